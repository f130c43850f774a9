"""Forms of the nomination pages: each POST is bound to one of them, and on an error the page is drawn again
from the bound form (what the user typed comes back, the message sits next to the field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from units.forms import ListField, VersionedForm, VNDateField
from units.models import validate_school_year

from .models import AwardRound, Quota, Subject

COUNT_ERRORS = {"invalid": _("Hãy nhập một số nguyên không âm."), "min_value": _("Hãy nhập một số nguyên không âm.")}


def count_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, error_messages=COUNT_ERRORS, **kwargs)


class RoundCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Đợt"), choices=AwardRound.Kind.choices)
    school_year = forms.CharField(label=_("Năm học"), max_length=9, validators=[validate_school_year])
    ky_so = forms.BooleanField(label=_("Tờ trình và biên bản phải ký số"), required=False)


class DossierSendForm(VersionedForm):
    """The head sends the dossier; confirms the signer when the signature is not the head's or a deputy's."""

    xac_nhan_nguoi_ky = forms.BooleanField(required=False)


class QuotaForm(forms.Form):
    """A quota set on one of the user's levels."""

    unit = forms.CharField(label=_("Đơn vị"), max_length=40)
    award_form = forms.TypedChoiceField(label=_("Hình thức"), coerce=int)
    scope = forms.ChoiceField(label=_("Tính theo"), choices=Quota.Scope.choices)
    max_collectives = count_field(_("Số tập thể"))
    max_individuals = count_field(_("Số cá nhân"))

    def __init__(self, *args, award_forms, **kwargs):
        super().__init__(*args, **kwargs)
        self.award_forms = {f.pk: f for f in award_forms}
        self.fields["award_form"].choices = [(f.pk, f.name) for f in award_forms]


class HandDownForm(forms.Form):
    """A part of a quota handed down to a direct child unit."""

    quota = forms.CharField(label=_("Từ hạn mức"), max_length=40)
    child = forms.CharField(label=_("Đơn vị"), max_length=40)
    max_collectives = count_field(_("Số tập thể"))
    max_individuals = count_field(_("Số cá nhân"))


class NominationCreateForm(forms.Form):
    award_form = forms.TypedChoiceField(
        label=_("Hình thức khen thưởng"),
        coerce=int,
        error_messages={"required": _("Hãy chọn hình thức khen thưởng.")},
    )
    subject = forms.ChoiceField(label=_("Đối tượng"), choices=Subject.choices)
    person = forms.CharField(label=_("Cá nhân"), required=False)
    nominee_unit = forms.CharField(label=_("Tập thể"), required=False)
    proposed_by = forms.CharField(label=_("Tổ, bộ phận đề xuất"), required=False)
    summary = forms.CharField(label=_("Tóm tắt thành tích"), max_length=2000, required=False)

    def __init__(self, *args, award_forms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_form"].choices = [(f.pk, f.name) for f in award_forms]


class ReportForm(VersionedForm):
    """The achievement report: the summary and one field per key of the round's report template (r-<key>).
    A field the post does not carry is left as it is (the page saves one field at a time)."""

    summary = forms.CharField(label=_("Tóm tắt thành tích"), max_length=2000, required=False)

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = list(keys)
        for key in self.keys:
            self.fields[f"r-{key}"] = forms.CharField(required=False, strip=False)

    def report(self) -> dict[str, str]:
        return {k: self.cleaned_data[f"r-{k}"] for k in self.keys if f"r-{k}" in self.data}

    def summary_posted(self) -> str | None:
        return self.cleaned_data["summary"] if "summary" in self.data else None


class ReasonForm(forms.Form):
    """A transition of one nomination, with the reason the service may require."""

    reason = forms.CharField(label=_("Lý do"), max_length=2000, required=False)
    override = forms.CharField(label=_("Lý do chấp nhận khi chưa đạt điều kiện"), max_length=2000, required=False)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class NominationEvidenceForm(ReasonForm):
    item = forms.CharField(label=_("Minh chứng trong thư viện"), required=False)
    title = forms.CharField(label=_("Tên minh chứng"), max_length=300, required=False)
    file = forms.FileField(label=_("Tệp"), required=False, allow_empty_file=True)  # the upload check explains
    url = forms.CharField(label=_("Liên kết"), max_length=500, required=False)


class BulkApproveForm(forms.Form):
    cap = forms.CharField(required=False)
    chon = ListField(required=False, error_messages={"required": _("Hãy chọn ít nhất một đề nghị.")})


class CouncilCreateForm(forms.Form):
    date = VNDateField(label=_("Ngày họp"))
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    chair_name = forms.CharField(label=_("Chủ tịch Hội đồng"), max_length=120, required=False)
    secretary_name = forms.CharField(label=_("Thư ký"), max_length=120, required=False)
    members_total = count_field(_("Tổng số thành viên"))
    members_present = count_field(_("Số có mặt"))
    members = forms.CharField(label=_("Thành viên có mặt"), required=False)


class CouncilVotesForm(VersionedForm):
    """The votes for each nomination of the meeting (v-<nomination id>), each empty or a whole number."""

    action = forms.CharField(required=False)

    def __init__(self, *args, votes, **kwargs):
        super().__init__(*args, **kwargs)
        self.nomination_ids = [v.nomination_id for v in votes]
        for vote in votes:
            self.fields[f"v-{vote.nomination_id}"] = count_field(
                _("Số phiếu đồng ý"), required=False, initial=vote.votes_for
            )

    def votes(self) -> dict[int, int | None]:
        return {pk: self.cleaned_data[f"v-{pk}"] for pk in self.nomination_ids if f"v-{pk}" in self.data}


class DossierForm(VersionedForm):
    """The tờ trình of a dossier and the nominations chosen into it."""

    number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    signed_on = VNDateField(label=_("Ngày"), required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    excerpt = forms.CharField(label=_("Trích yếu"), max_length=300, required=False)
    attachment = forms.FileField(label=_("Bản ký tờ trình"), required=False, allow_empty_file=True)
    choosing = forms.CharField(required=False, widget=forms.HiddenInput)
    chon = ListField(required=False)

    FIELDS = ("number", "signed_on", "signer_name", "signer_position", "excerpt")

    @classmethod
    def for_dossier(cls, sub):
        return cls(initial={"version": sub.version, **{f: getattr(sub, f) for f in cls.FIELDS}})

    def changes(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.FIELDS}
        if self.cleaned_data["attachment"]:
            data["attachment"] = self.cleaned_data["attachment"]
        return data

    def chosen_ids(self) -> list[str] | None:
        return self.cleaned_data["chon"] if self.cleaned_data["choosing"] else None


class DossierReturnForm(VersionedForm):
    reason = forms.CharField(label=_("Lý do trả lại hồ sơ"), max_length=2000, required=False)  # the service asks


class DossierReopenForm(forms.Form):
    until = VNDateField(label=_("Đến ngày"))
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class DecisionCreateForm(forms.Form):
    award_form = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label=_("Số quyết định"), max_length=60)
    signed_on = VNDateField(label=_("Ngày ký"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    signer_position = forms.CharField(label=_("Chức vụ"), max_length=120, required=False)
    chon = ListField(required=False)


class DecisionStepForm(VersionedForm):
    action = forms.CharField(required=False)
    objection = forms.IntegerField(required=False, widget=forms.HiddenInput)
    resolution = forms.CharField(label=_("Kết quả xử lý"), max_length=2000, required=False)


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Họ tên"), max_length=120, required=False)
    contact = forms.CharField(label=_("Điện thoại hoặc thư điện tử"), max_length=120, required=False)
    nomination = forms.IntegerField(label=_("Về"), required=False)
    text = forms.CharField(label=_("Nội dung"), max_length=5000, required=False)
    website = forms.CharField(required=False)
