"""Members (adhérents): the local authorities that belong to the syndicate."""
