from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    NotificationPreference,
    Person,
    Role,
    Unit,
    UnitKind,
    User,
    nfc,
    school_year_of,
    validate_school_year,
)

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")


# A date written in the right shape (dd/mm/yyyy or yyyy-mm-dd), whether or not the calendar has that day.
DATE_SHAPE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}")


class VNDateField(forms.DateField):
    """A date typed as dd/mm/yyyy. A wrong shape ("abc") and a day the calendar lacks (30/02) get different
    messages; a date shown back in a form (bound or initial) is always dd/mm/yyyy."""

    widget = DATE_WIDGET
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ, hãy nhập theo dạng dd/mm/yyyy (ví dụ 01/10/2025)."),
        "nonexistent": _(
            "Ngày không tồn tại: %(value)s. Hãy kiểm tra lại ngày và tháng (ví dụ tháng 2 chỉ có 28 hoặc 29 ngày)."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%d/%m/%Y", "%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            text = value.strip() if isinstance(value, str) else ""
            if DATE_SHAPE.fullmatch(text):
                raise ValidationError(
                    self.error_messages["nonexistent"], code="nonexistent", params={"value": text}
                ) from None
            raise

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%d/%m/%Y")
        return value


class ListField(forms.Field):
    """The values of a field posted many times (ticked checkboxes, a multiple select), as a list of
    strings; the service decides which of them are valid."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in value or [] if str(v).strip()]


class VersionedForm(forms.Form):
    """A form drawn with the version of the object it edits (the stale-edit check)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), required=False, max_length=100)
    kind = forms.ModelChoiceField(
        label=_("Loại"),
        queryset=UnitKind.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("Tất cả"),
    )


class UnitCreateForm(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=255)
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=60, required=False)
    kind = forms.ModelChoiceField(label=_("Loại đơn vị"), queryset=UnitKind.objects.none())
    place_name = forms.CharField(label=_("Địa danh (trên văn bản)"), max_length=80, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30, required=False)
    active_from = VNDateField(label=_("Hoạt động từ"), required=False)

    def __init__(self, *args, parent: Unit, internal_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = UnitKind.objects.filter(allowed_parents=parent.kind)
        if internal_only:
            kinds = kinds.filter(category__in=UnitKind.INTERNAL_CATEGORIES)
        self.fields["kind"].queryset = kinds.order_by("sort_order", "name")

    def clean_code(self):
        code = nfc(self.cleaned_data["code"])
        if Unit.objects.filter(code=code).exists():
            raise ValidationError(_("Mã đơn vị này đã được dùng."))
        return code


class UnitEditForm(forms.ModelForm):
    effective = VNDateField(
        label=_("Ngày hiệu lực của tên mới"),
        required=False,
        help_text=_("Chỉ cần khi đổi tên, cơ quan chủ quản hoặc chữ viết tắt. Mặc định: hôm nay."),
    )
    note = forms.CharField(label=_("Căn cứ/ghi chú (quyết định đổi tên...)"), max_length=255, required=False)

    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "governing_body",
            "document_abbreviation",
            "place_name",
            "address",
            "email",
            "phone",
        ]


class UnitMoveForm(forms.Form):
    new_parent_code = forms.CharField(label=_("Mã đơn vị cấp trên mới"), max_length=40)
    effective = VNDateField(label=_("Ngày hiệu lực"))
    note = forms.CharField(label=_("Căn cứ (số quyết định...)"), max_length=255)


class PersonForm(forms.ModelForm):
    date_of_birth = VNDateField(label=_("Ngày sinh"), required=False)
    # Shown only after a possible duplicate was found (see services.person_create).
    confirm_duplicate = forms.BooleanField(
        label=_("Vẫn tạo: đây là một người khác, chỉ trùng họ tên và ngày sinh"), required=False
    )

    class Meta:
        model = Person
        fields = ["code", "full_name", "gender", "date_of_birth", "position", "category", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("— Chưa ghi —")), *Person.Gender.choices]
        self.fields["category"].choices = [("", _("— Chọn đối tượng —")), *Person.Category.choices]

    def clean_full_name(self):
        name = nfc(self.cleaned_data["full_name"])
        if len(name) < 2:
            raise ValidationError(_("Họ và tên quá ngắn."))
        return name


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm cán bộ"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Đối tượng"), required=False, choices=[("", _("Tất cả")), *Person.Category.choices]
    )


class MembershipGrantForm(forms.Form):
    login = forms.CharField(
        label=_("Tên đăng nhập hoặc thư điện tử"),
        max_length=150,
        help_text=_(
            "Người thuộc đơn vị bạn quản lý. Người chưa có tài khoản: nhập thư điện tử ghi trong hồ sơ cán bộ "
            "của họ, cổng sẽ tạo tài khoản và gửi thư mời đặt mật khẩu."
        ),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=())
    valid_from = VNDateField(label=_("Từ ngày"), required=False)
    valid_to = VNDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, roles: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(v, label) for v, label in Role.choices if v in roles]

    def clean_login(self):
        # Who the name belongs to is decided by the service, inside the granting user's scope.
        return self.cleaned_data["login"].strip()

    def clean(self):
        data = super().clean()
        vf, vt = data.get("valid_from"), data.get("valid_to")
        if vf and vt and vt <= vf:
            self.add_error("valid_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class AccountForPersonForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử (để đặt lại mật khẩu)"))

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Tên đăng nhập đã tồn tại."))
        return username


class BlockForm(forms.Form):
    name = forms.CharField(label=_("Tên khối/cụm thi đua"), max_length=160)
    school_year = forms.CharField(label=_("Năm học"), max_length=9, validators=[validate_school_year])
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    member_codes = forms.CharField(
        label=_("Mã các đơn vị thành viên"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi mã cách nhau bởi dấu phẩy, khoảng trắng hoặc xuống dòng."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("school_year"):
            self.initial["school_year"] = school_year_of(timezone.localdate())

    def clean_member_codes(self) -> list[str]:
        raw = self.cleaned_data.get("member_codes", "")
        return [c for c in raw.replace(",", " ").split() if c]


class MessageReadForm(forms.Form):
    """Marks one message (`id`) read, or all of them; `open` follows its link."""

    id = forms.CharField(required=False, max_length=40)
    open = forms.CharField(required=False)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["digest_only"]


class AuditFilterForm(forms.Form):
    """Filters of the audit log page; every field optional."""

    unit = forms.CharField(label=_("Mã đơn vị"), required=False, max_length=40)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    actor = forms.CharField(label=_("Tài khoản"), required=False, max_length=150)
    since = VNDateField(label=_("Từ ngày"), required=False)
    until = VNDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, **kwargs):
        from .audit import ACTIONS

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Tất cả")), *sorted(ACTIONS.items(), key=lambda kv: str(kv[1]))]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise ValidationError(_("“Đến ngày” phải sau “Từ ngày”."))
        return data
