"""The sustainability report's one scope picker: the whole territory, an EPCI or one member (a searchable list, not
an internal number), and the year — one GET form driving the page and its XLSX, CSV and print links.

The bookmarkable address is ``?scope=…&id=…&year=…`` (the links of the member pages, the exports and the jobs use
it). The form itself sends ``scope``, ``epci`` (the EPCI list), ``member`` (the picker's text) and ``year``; once
they are valid the page redirects to the bookmarkable address. A bad choice is a French error on its field, the
typed text kept, never a 500.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from purchasing.forms import PickerField
from purchasing.params import MAX_ID, parse_int

SCOPES = ("territory", "epci", "member")


class MemberReportForm(FlaskForm):
    """The member picker (its field renders with the shared ``field`` macro: label, hint, error)."""

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


def _id_or_none(raw) -> int | None:
    try:
        return parse_int(raw or "", minimum=1, maximum=MAX_ID)
    except ValueError:
        return None


class ReportScopeForm:
    """Reads the report's scope and year from the query string, as the form or a bookmarked address sends them.

    ``staff``: the user chooses the scope (territory, an EPCI of ``epcis``, a member of ``members``); otherwise only
    the year is read here (a member user's scope is their member: lifecycle.reports.data.resolve_scope).
    After :meth:`validate`, ``scope``, ``scope_id`` and ``year`` hold the choice, or ``errors`` {field: message}.
    """

    def __init__(self, args, *, staff: bool, members=(), epcis=(), first_year: int, last_year: int,
                 default_scope: str, default_year: int):
        self.args, self.staff = args, staff
        self.first_year, self.last_year = first_year, last_year
        self.epcis = list(epcis)
        #: the form was sent (its own fields are there): redirect to the bookmarkable address once valid
        self.submitted = staff and ("member" in args or "epci" in args)
        self.scope_value = args.get("scope") or default_scope
        id_raw = args.get("id") if not self.submitted else None
        member_id = _id_or_none(id_raw) if self.scope_value == "member" else None
        #: an id in the address that names no member at all ("abc", 20 digits): the picker's "unknown" error
        self.bad_member_id = self.scope_value == "member" and bool((id_raw or "").strip()) and member_id is None
        self.member_form = MemberReportForm(args, members=members, member=member_id) if staff else None
        self.epci_raw = args.get("epci") if self.submitted else (id_raw if self.scope_value == "epci" else None)
        self.year_raw = args.get("year")
        self.default_year = default_year
        self.errors: dict[str, str] = {}
        self.scope: str | None = None
        self.scope_id: int | None = None
        self.year: int | None = None

    @property
    def member(self):
        return self.member_form.member if self.member_form is not None else None

    def epci_selected(self) -> int | None:
        """The EPCI the list shows chosen (what was sent, or the one of the scope)."""
        return _id_or_none(self.epci_raw)

    def validate(self) -> bool:
        self.year = self._year()
        if self.staff:
            self.scope, self.scope_id = self._scope()
        return not self.errors and not (self.member is not None and self.member.errors)

    def _year(self) -> int | None:
        if self.year_raw is None:
            return self.default_year
        try:
            return parse_int(self.year_raw, minimum=self.first_year, maximum=self.last_year)
        except ValueError:
            self.errors["year"] = _l("Année invalide : choisissez une année entre %(first)d et %(last)d.",
                                     first=self.first_year, last=self.last_year)
            return None

    def _scope(self) -> tuple[str | None, int | None]:
        scope = self.scope_value
        if scope not in SCOPES:
            self.errors["scope"] = _l("Périmètre invalide : territoire, EPCI ou adhérent.")
            return None, None
        if scope == "territory":
            return scope, None
        if scope == "epci":
            epci_id = self.epci_selected()
            if not (self.epci_raw or "").strip():
                self.errors["epci"] = _l("Choisissez l'EPCI dans la liste.")
            elif epci_id is None or epci_id not in {value for value, _label in self.epcis}:
                self.errors["epci"] = _l("Aucun EPCI ne correspond à ce choix : choisissez-en un de la liste.")
            return scope, epci_id if "epci" not in self.errors else None
        field = self.member
        if self.bad_member_id:
            field.errors = [field.unknown_message]
            return scope, None
        if field.validate(self.member_form) and field.data is None:
            field.errors.append(_l("Choisissez l'adhérent dans la liste."))
        return scope, field.data if not field.errors else None
