"""The mock bank as a service of its own (compose `bank`, the fault-test cluster).

A separate Django project holding only the `gateway` app, with its own database
and its own host name, so the portal reaches it exactly as it reaches a real
bank: over HTTP by the PAYMENT_* settings. The portal itself never installs the
gateway with DEBUG off (MOCK_GATEWAY is refused there).
"""
