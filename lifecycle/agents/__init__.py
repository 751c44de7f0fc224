"""Inventory agents (FusionInventory, GLPI agent in its OCS-compatible mode): enrolment tokens per member and the
``/agent/<token>/`` endpoint they send their inventories to."""
