"""Attachments (invoices, delivery notes, certificates, tender documents) on the objects that own them."""
