"""``/api/v1/tenders``: consultations; bid prices stay sealed by the tenders service's rule."""
from __future__ import annotations

from flask import abort

from purchasing.accounts.models import Role
from purchasing.api.framework import api_route
from purchasing.api.schemas import TenderDetailOut, TenderOut, TendersQuery
from purchasing.extensions import db
from purchasing.tenders import services as tenders

OFFICERS = (Role.PURCHASING_OFFICER, Role.ADMIN)


@api_route("/tenders", query=TendersQuery, response=TenderOut, paginated=True, roles=OFFICERS, tags=("tenders",))
def list_tenders(query: TendersQuery):
    """Consultations (appels d'offres), les plus récentes d'abord"""
    tenders.close_due_tenders()  # as the web list: a published tender past its deadline is closed on access
    db.session.commit()
    return tenders.search_tenders(query.q)


@api_route("/tenders/<int:tender_id>", response=TenderDetailOut, roles=OFFICERS, tags=("tenders",))
def get_tender(tender_id: int):
    """Une consultation : lots, critères, offres reçues

    Les prix des offres sont absents tant qu'elles sont sous scellés (avant la date limite, ou tant que la
    consultation n'est pas close) : `bids_sealed` vaut alors vrai.
    """
    tenders.close_due_tenders()
    db.session.commit()
    tender = tenders.tender_with_lots(tender_id)
    if tender is None:
        abort(404)
    unsealed = tenders.bids_unsealed(tender)

    def bid(b):
        sealed = {"supplier": b.supplier.name, "submitted_at": b.submitted_at}
        if not unsealed:
            return sealed
        return {**sealed, "total_price_ht": b.total_price_ht, "rank": b.rank, "total_points": b.total_points,
                "abnormally_low": b.abnormally_low}

    return {
        "id": tender.id, "reference": tender.reference, "title": tender.title, "status": tender.status,
        "publication_date": tender.publication_date, "bid_deadline": tender.bid_deadline,
        "bids_sealed": not unsealed,
        "lots": [{"id": lot.id, "number": lot.number, "title": lot.title, "status": lot.status,
                  "estimated_amount_ht": lot.estimated_amount_ht, "criteria": lot.criteria,
                  "bids": [bid(b) for b in lot.bids]} for lot in tender.lots],
    }
