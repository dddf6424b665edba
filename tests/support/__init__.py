"""What the tests share besides fixtures: the cast of test data, the local services, recorded
inputs, the outbox and site readers, and the worker cluster. A test module imports from here and
from the stand-ins of tests/stubs, never from another test module or a conftest."""
