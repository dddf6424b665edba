"""Delivery: who is due, what each reader gets, the batches, the renderings, sending, and the
ledger that alone writes the deliveries."""
