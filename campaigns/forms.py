from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from units.forms import VNDateField
from units.models import Person, UnitKind

from .models import AwardPlan, Campaign, CampaignCriterion, ContentItem, Deadline, Phase, Target, Task

TEXTAREA = forms.Textarea(attrs={"rows": 3})
# The parts' position fields have no verbose name on the models; without a label the form says "Order".
ORDER_LABEL = {"order": _("Thứ tự")}


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo số hoặc trích yếu"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *Campaign.Status.choices]
    )


class CampaignForm(forms.ModelForm):
    issued_on = VNDateField(label=_("Ngày ban hành"), required=False)
    start_date = VNDateField(label=_("Thời gian thi đua từ ngày"))
    end_date = VNDateField(label=_("Đến ngày"))
    participant_kinds = forms.ModelMultipleChoiceField(
        label=_("Loại đơn vị tham gia thi đua"),
        queryset=UnitKind.objects.exclude(category__in=["ministry"]).order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    individual_categories = forms.MultipleChoiceField(
        label=_("Đối tượng cá nhân"),
        choices=Person.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "number",
            "issued_on",
            "title",
            "signer_position",
            "signer_name",
            "legal_basis",
            "purpose",
            "requirements",
            "start_date",
            "end_date",
            "participant_kinds",
            "include_issuer",
            "individual_categories",
            "participants_note",
        ]
        widgets = {f: TEXTAREA for f in ("legal_basis", "purpose", "requirements", "participants_note")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get("confirm_duplicate") is not None:
            self.ask_duplicate_confirmation()

    def ask_duplicate_confirmation(self, message: str = "") -> None:
        """Adds the "Vẫn lưu dù trùng số" checkbox (after a duplicate-number warning), keeping what was typed."""
        if "confirm_duplicate" not in self.fields:
            self.fields["confirm_duplicate"] = forms.BooleanField(
                label=_("Vẫn lưu dù trùng số: đây là văn bản khác"), required=False
            )
        if message:
            self.add_error(None, message)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class IssuerChoiceForm(forms.Form):
    issuer = forms.ChoiceField(label=_("Đơn vị ban hành"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        self.fields["issuer"].choices = [(u.code, u.name) for u in units]


class PhaseForm(forms.ModelForm):
    start_date = VNDateField(label=_("Từ ngày"))
    end_date = VNDateField(label=_("Đến ngày"))
    review_date = VNDateField(label=_("Ngày sơ kết/tổng kết (nếu có)"), required=False)

    class Meta:
        model = Phase
        fields = [
            "order",
            "name",
            "start_date",
            "end_date",
            "review",
            "review_year",
            "review_quarter",
            "review_date",
            "description",
        ]
        widgets = {"description": TEXTAREA}
        labels = ORDER_LABEL


class DeadlineForm(forms.ModelForm):
    due_date = VNDateField(label=_("Ngày (hạn một lần)"), required=False)
    remind_days_before = forms.CharField(
        label=_("Nhắc trước hạn (số ngày)"),
        required=False,
        max_length=40,
        help_text=_("Các số ngày cách nhau bởi dấu phẩy, ví dụ “7, 3, 1”. Để trống: 7, 3 và 1 ngày."),
    )

    def clean_remind_days_before(self) -> list[int]:
        raw = (self.cleaned_data.get("remind_days_before") or "").replace(";", ",")
        days = []
        for part in filter(None, (p.strip() for p in raw.split(","))):
            if not part.isdigit() or not 1 <= int(part) <= 60:
                raise ValidationError(_("Mỗi giá trị phải là số ngày từ 1 đến 60."))
            days.append(int(part))
        return sorted(set(days), reverse=True)

    class Meta:
        model = Deadline
        fields = [
            "title",
            "kind",
            "recurrence",
            "due_date",
            "day",
            "month",
            "before",
            "basis",
            "first_year",
            "last_year",
            "audience",
            "unit_kinds",
            "locks",
            "remind_days_before",
            "remind_on_day",
            "remind_overdue",
            "note",
        ]
        widgets = {"unit_kinds": forms.CheckboxSelectMultiple, "note": TEXTAREA}


class TargetForm(forms.ModelForm):
    goals = forms.CharField(
        label=_("Mục tiêu theo năm và loại đơn vị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2025: 90\n2025 phong-gddt: 90\n2025 thcs: 80"}),
        help_text=_("Mỗi dòng: năm, (tùy chọn) mã loại đơn vị, dấu hai chấm, giá trị. Ví dụ “2025 thcs: 80”."),
    )

    class Meta:
        model = Target
        fields = [
            "code",
            "measure",
            "order",
            "name",
            "kind",
            "numerator_label",
            "denominator_label",
            "unit_label",
            "higher_is_better",
            "note",
        ]
        widgets = {"note": TEXTAREA}
        labels = ORDER_LABEL

    def clean_goals(self) -> list[tuple[str, UnitKind | None, Decimal]]:
        goals = []
        kinds = {k.code: k for k in UnitKind.objects.all()}
        for n, line in enumerate(self.cleaned_data.get("goals", "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            left, sep, right = line.partition(":")
            parts = left.split()
            try:
                value = Decimal(right.strip().replace(",", "."))
            except Exception:
                value = None
            if not sep or not parts or value is None or len(parts) > 2:
                raise ValidationError(_("Dòng %(n)s không đúng dạng “năm [loại]: giá trị”.") % {"n": n})
            kind = None
            if len(parts) == 2:
                kind = kinds.get(parts[1])
                if kind is None:
                    raise ValidationError(_("Dòng %(n)s: không có loại đơn vị “%(k)s”.") % {"n": n, "k": parts[1]})
            goals.append((parts[0], kind, value))
        return goals


class ContentItemForm(forms.ModelForm):
    class Meta:
        model = ContentItem
        fields = ["code", "order", "text"]
        widgets = {"text": TEXTAREA}
        labels = ORDER_LABEL


class CriterionForm(forms.ModelForm):
    class Meta:
        model = CampaignCriterion
        fields = ["subject", "category", "order", "text", "check_code"]
        widgets = {"text": TEXTAREA}
        labels = ORDER_LABEL


class AwardPlanForm(forms.ModelForm):
    class Meta:
        model = AwardPlan
        fields = [
            "name",
            "authority",
            "round",
            "for_collectives",
            "for_individuals",
            "quota_scope",
            "quota_collectives",
            "quota_individuals",
            "copies",
            "note",
        ]
        widgets = {"note": TEXTAREA}


class TaskForm(forms.ModelForm):
    due_date = VNDateField(label=_("Thời hạn"), required=False)
    lead_code = forms.CharField(label=_("Mã đơn vị chủ trì (nếu có trên cổng)"), required=False, max_length=40)

    class Meta:
        model = Task
        fields = [
            "code",
            "order",
            "title",
            "description",
            "lead_text",
            "cooperating_text",
            "due_date",
            "due_text",
        ]
        widgets = {"description": TEXTAREA}
        labels = ORDER_LABEL


PART_FORMS = {
    "giai-doan": (PhaseForm, Phase, _("Giai đoạn")),
    "han-nop": (DeadlineForm, Deadline, _("Hạn nộp")),
    "chi-tieu": (TargetForm, Target, _("Chỉ tiêu")),
    "noi-dung": (ContentItemForm, ContentItem, _("Nội dung thi đua")),
    "tieu-chi": (CriterionForm, CampaignCriterion, _("Tiêu chí")),
    "khen-thuong": (AwardPlanForm, AwardPlan, _("Hình thức khen thưởng")),
    "nhiem-vu": (TaskForm, Task, _("Nhiệm vụ")),
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=TEXTAREA, max_length=2000)


class DeadlineChangeForm(ReasonForm):
    due_date = VNDateField(label=_("Ngày mới (hạn một lần)"), required=False)
    day = forms.IntegerField(label=_("Ngày (hạn hằng năm)"), min_value=1, max_value=31, required=False)
    month = forms.IntegerField(label=_("Tháng"), min_value=1, max_value=12, required=False)


class TargetValueChangeForm(ReasonForm):
    value = forms.DecimalField(label=_("Giá trị mới"), max_digits=12, decimal_places=2)
    target_value = forms.CharField(required=False, widget=forms.HiddenInput)


class CommaDecimalField(forms.DecimalField):
    """A number typed with a decimal comma (12,5) or point (12.5)."""

    default_error_messages = {"invalid": _("Số không hợp lệ.")}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", ".")
        return super().to_python(value)


class TargetReportRowForm(forms.Form):
    """One target's figures in a unit's report (prefixed t<target pk>); a row left empty is not saved."""

    FIGURES = ("numerator", "denominator", "value")
    numerator = CommaDecimalField(label=_("Tử số"), required=False)
    denominator = CommaDecimalField(label=_("Mẫu số"), required=False)
    value = CommaDecimalField(label=_("Giá trị"), required=False)
    evidence_url = forms.CharField(label=_("Liên kết minh chứng"), max_length=200, required=False)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def has_figures(self) -> bool:
        return any(self.data.get(self.add_prefix(f)) not in (None, "") for f in self.FIGURES)

    def typed(self) -> dict[str, str]:
        return {f: self[f].value() or "" for f in ("numerator", "denominator", "value", "evidence_url", "note")}


class ReopenForm(ReasonForm):
    until = VNDateField(label=_("Mở lại đến hết ngày"))


class TaskNoteForm(forms.Form):
    text = forms.CharField(label=_("Nội dung cập nhật"), widget=TEXTAREA, max_length=4000)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=Task.Status.choices)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bản ký của kế hoạch (PDF)"), allow_empty_file=True)  # the upload check explains


class AnswerForm(forms.Form):
    unit = forms.ChoiceField(label=_("Đơn vị xây dựng kế hoạch hưởng ứng"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.code: u for u in units}
        self.fields["unit"].choices = [(u.code, u.name) for u in units]
