"""Forms of the self-assessment pages: each POST is bound to one of them, and on an error the page is drawn
again from the bound form (what the user typed comes back, the message sits next to the field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import ListField, VersionedForm, VNDateField
from units.models import validate_school_year


class StartForm(forms.Form):
    school_year = forms.CharField(label=_("Năm học"), max_length=9, validators=[validate_school_year])


class TeamForm(forms.Form):
    """The decision forming the team and its members: one row per person who may join, each with a tick, the
    leader's radio and a duty."""

    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60, required=False)
    decision_date = VNDateField(label=_("Ngày quyết định"), required=False)
    members = ListField(required=False)
    leader = forms.CharField(required=False)

    def __init__(self, *args, people, team=None, assessment=None, **kwargs):
        self.people = people
        if assessment is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "decision_number": assessment.team_decision_number,
                "decision_date": assessment.team_decision_date,
                "members": [str(pk) for pk in team],
                "leader": next((str(pk) for pk, m in team.items() if m.is_leader), ""),
                **{f"duty-{pk}": m.duty for pk, m in team.items()},
            }
        super().__init__(*args, **kwargs)
        for person in people:
            self.fields[f"duty-{person.pk}"] = forms.CharField(label=_("Nhiệm vụ"), max_length=200, required=False)

    def rows(self) -> list[dict]:
        ticked, leader = set(self["members"].value() or []), self["leader"].value() or ""
        return [
            {
                "person": p,
                "checked": str(p.pk) in ticked,
                "leader": str(p.pk) == str(leader),
                "duty": self[f"duty-{p.pk}"],
            }
            for p in self.people
        ]

    def members_chosen(self) -> list[tuple[object, bool, str]]:
        by_pk = {str(p.pk): p for p in self.people}
        leader = self.cleaned_data["leader"]
        return [
            (by_pk[v], v == leader, self.cleaned_data[f"duty-{v}"]) for v in self.cleaned_data["members"] if v in by_pk
        ]


class AssignForm(forms.Form):
    """The lead and cooperators of every criterion, from the team."""

    def __init__(self, *args, entries, team_people, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        self.by_pk = {str(p.pk): p for p in team_people}
        for entry in entries:
            self.fields[f"lead-{entry.pk}"] = forms.CharField(required=False)
            self.fields[f"coop-{entry.pk}"] = ListField(required=False)

    @staticmethod
    def choices(entries, form=None) -> None:
        """Marks on each entry the lead and cooperators to show: as posted on a refused form, else as saved."""
        for entry in entries:
            if form is not None:
                entry.lead_choice = form[f"lead-{entry.pk}"].value() or ""
                entry.coop_choices = set(form[f"coop-{entry.pk}"].value() or [])
            else:
                entry.lead_choice = str(entry.lead_id or "")
                entry.coop_choices = {str(c.pk) for c in entry.cooperators.all()}

    def assignments(self):
        for entry in self.entries:
            lead = self.by_pk.get(self.cleaned_data[f"lead-{entry.pk}"])
            coops = [self.by_pk[v] for v in self.cleaned_data[f"coop-{entry.pk}"] if v in self.by_pk]
            yield entry, lead, coops


class EntryForm(VersionedForm):
    """The answers of one criterion: per indicator a value (or numerator and denominator), a note and the
    evidence ticked from the library; the scoring rules are the service's."""

    PARTS = ("value", "numerator", "denominator", "note")
    evidence_present = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            for part in self.PARTS:
                self.fields[f"i{indicator.pk}-{part}"] = forms.CharField(required=False, strip=False)
            self.fields[f"i{indicator.pk}-evidence"] = ListField(required=False)

    def values(self) -> dict[int, dict[str, str]]:
        return {i.pk: {p: self.cleaned_data[f"i{i.pk}-{p}"] for p in self.PARTS} for i in self.indicators}

    def evidence(self, library: dict[str, object]) -> dict[int, list]:
        if self.cleaned_data["evidence_present"] != "1":
            return {}  # a post without the evidence checkboxes leaves the evidence choices as they are
        return {
            i.pk: [library[v] for v in self.cleaned_data[f"i{i.pk}-evidence"] if v in library] for i in self.indicators
        }


class MinutesForm(VersionedForm):
    file = forms.FileField(label=_("Biên bản đã ký"), required=False, allow_empty_file=True)


class ApprovalForm(VersionedForm):
    """The head's decision approving the result."""

    number = forms.CharField(label=_("Số quyết định phê duyệt"), max_length=60)
    date = VNDateField(label=_("Ngày quyết định"))


class RecogniseForm(forms.Form):
    """The reviewer's decision recognising one or more assessments."""

    number = forms.CharField(label=_("Số quyết định công nhận"), max_length=60)
    date = VNDateField(label=_("Ngày quyết định"))
    pick = ListField(required=False)
    # Asked only when the set is provisional; the service refuses recognition on such a set without it.
    confirm_provisional = forms.BooleanField(required=False)


class ReturnForm(VersionedForm):
    """The reviewer's reasons, one per criterion code (reason-<code>), and a note."""

    note = forms.CharField(label=_("Ghi chú chung"), required=False, max_length=2000)

    def __init__(self, *args, codes, **kwargs):
        super().__init__(*args, **kwargs)
        for code in codes:
            self.fields[f"reason-{code}"] = forms.CharField(required=False, max_length=1000)
        self.codes = list(codes)

    def reasons(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"reason-{code}"] for code in self.codes}


class ReopenForm(forms.Form):
    until = VNDateField(label=_("Mở lại đến hết ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)  # the service asks for it


class EvidenceForm(forms.Form):
    """One item of the unit's evidence library: a file or a link, with a title and the document's date."""

    title = forms.CharField(label=_("Tên minh chứng"), max_length=300, required=False)
    issued_on = VNDateField(label=_("Ngày văn bản"), required=False)
    file = forms.FileField(label=_("Tệp"), required=False, allow_empty_file=True)  # the upload check explains
    url = forms.CharField(label=_("Liên kết"), max_length=500, required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
