"""Report forms: the member picker of the sustainability report (a searchable list, not an internal number)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from purchasing.forms import PickerField


class MemberReportForm(FlaskForm):
    class Meta:
        csrf = False

    member = PickerField(_l("Adhérent"),
                         unknown_message=_l("Aucun adhérent ne porte ce nom : choisissez-en un de la liste."),
                         ambiguous_message=_l("Plusieurs adhérents portent ce nom : ajoutez le code INSEE ou "
                                              "saisissez le SIREN."),
                         description=_l("Tapez le début du nom, le code INSEE ou le SIREN, puis choisissez dans "
                                        "la liste."))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.member.set_choices(members)
