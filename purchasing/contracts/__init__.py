"""Framework contracts (accords-cadres): one per awarded lot, with its ceiling."""
