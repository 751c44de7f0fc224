"""Tenders (consultations): lots, award criteria, sealed bids, evaluation and award."""
