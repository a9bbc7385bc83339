"""Volume drivers: ``base`` is the contract, the other modules implement it."""
