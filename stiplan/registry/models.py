"""The STI registry as data: organisations, people, fields of science, programmes, S&T and
innovation tasks (nhiệm vụ KH&CN, nhiệm vụ ĐMST) with their budget, members, steps and outputs,
IP assets, and the councils (hội đồng) that identify, select and accept tasks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stiplan.core.querysets import RestrictedQuerySet
from stiplan.reporting.models import PrivateStorage

#: Tasks started on or after this day follow Law 93/2025/QH15; earlier ones the 2014–2017 circulars.
REGIME_CUTOVER = dt.date(2025, 10, 1)


class Regime(models.TextChoices):
    CIRCULARS_2014 = "tt2014", _("Luật KH&CN 2013 và các thông tư 2014–2017")
    LAW_2025 = "law2025", _("Luật 93/2025/QH15 và Nghị định 267, 268/2025")


def regime_for(start: dt.date) -> str:
    """The regime a task started on `start` falls under (before 10/2025: the 2014–2017 circulars)."""
    return Regime.LAW_2025 if start >= REGIME_CUTOVER else Regime.CIRCULARS_2014


class Dated(models.Model):
    """A relation that holds from `valid_from` to `valid_to` (both included; open when empty)."""

    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        abstract = True

    def holds_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


def _dates_in_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(valid_from__isnull=True) | Q(valid_to__isnull=True)
                   | Q(valid_from__lte=models.F("valid_to"))),
        name=name)


# --- Fields of science (Thông tư 24/2025/TT-BKHCN) --------------------------------------------

class FieldLevel(models.IntegerChoices):
    FIELD = 1, _("lĩnh vực (1 chữ số)")
    SECTOR = 3, _("ngành (3 chữ số)")
    MAJOR = 5, _("chuyên ngành (5 chữ số)")
    SUBFIELD = 7, _("chuyên ngành hẹp (7 chữ số)")


class ScienceField(models.Model):
    """One entry of the classification of S&T fields: 6 fields → sectors → majors → sub-fields;
    the level is the length of the code, the parent its prefix one level up."""

    code = models.CharField(_("mã"), max_length=7, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    level = models.PositiveSmallIntegerField(_("cấp"), choices=FieldLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    oecd = models.CharField(_("mã OECD FoS tương ứng"), max_length=10, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("lĩnh vực KH&CN")
        verbose_name_plural = _("phân loại lĩnh vực KH&CN")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LegacyFieldCode(models.Model):
    """A code of the old classification (Quyết định 12/2008/QĐ-BKHCN) and where it lands now."""

    code = models.CharField(_("mã theo QĐ 12/2008"), max_length=7, unique=True)
    name = models.CharField(_("tên cũ"), max_length=300, blank=True)
    field = models.ForeignKey(ScienceField, on_delete=models.PROTECT, related_name="legacy_codes")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.field.code}"


# --- Organisations and people ----------------------------------------------------------------

class OrganisationKind(models.TextChoices):
    ST_ORGANISATION = "st_org", _("tổ chức KH&CN")
    UNIVERSITY = "university", _("trường đại học, cao đẳng")
    ENTERPRISE = "enterprise", _("doanh nghiệp")
    ST_ENTERPRISE = "st_enterprise", _("doanh nghiệp KH&CN (có giấy chứng nhận)")
    STARTUP = "startup", _("doanh nghiệp khởi nghiệp sáng tạo")
    INNOVATION_CENTRE = "innovation_centre", _("trung tâm đổi mới sáng tạo, hỗ trợ khởi nghiệp")
    STATE_AGENCY = "agency", _("cơ quan quản lý nhà nước")


class Organisation(models.Model):
    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OrganisationKind.choices)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("đơn vị trong cây tổ chức"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    certificate_number = models.CharField(_("số giấy chứng nhận (DN KH&CN, tổ chức KH&CN)"),
                                          max_length=60, blank=True)
    certified_on = models.DateField(_("ngày cấp chứng nhận"), null=True, blank=True)
    website = models.URLField(_("trang web"), blank=True)
    fields = models.ManyToManyField(ScienceField, blank=True, related_name="organisations")
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name


class OrganisationRelationKind(models.TextChoices):
    PART_OF = "part_of", _("trực thuộc")
    FOUNDED_BY = "founded_by", _("do … thành lập")
    INCUBATED_BY = "incubated_by", _("được ươm tạo bởi")
    PARTNER = "partner", _("đối tác")
    SUCCEEDS = "succeeds", _("kế thừa (sáp nhập, đổi tên)")


class OrganisationRelation(Dated):
    """A dated, typed arrow between two organisations (CERIF's organisation–organisation link)."""

    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("quan hệ"), max_length=20, choices=OrganisationRelationKind.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["source", "valid_from"]
        constraints = [_dates_in_order("registry_orgrel_dates"),
                       models.CheckConstraint(condition=~Q(source=models.F("target")),
                                              name="registry_orgrel_not_self")]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class Degree(models.TextChoices):
    BACHELOR = "bachelor", _("cử nhân, kỹ sư")
    MASTER = "master", _("thạc sĩ")
    DOCTOR = "doctor", _("tiến sĩ")
    DOCTOR_OF_SCIENCE = "dsc", _("tiến sĩ khoa học")


class AcademicTitle(models.TextChoices):
    NONE = "", _("không")
    ASSOCIATE_PROFESSOR = "assoc_prof", _("phó giáo sư")
    PROFESSOR = "prof", _("giáo sư")


class Person(models.Model):
    """A researcher, expert or council member. The fields in PRIVATE_FIELDS are personal data
    (dữ liệu cá nhân): never shown on a public page or endpoint."""

    PRIVATE_FIELDS = ("email", "phone", "id_number", "birth_date", "address")

    full_name = models.CharField(_("họ và tên"), max_length=200)
    degree = models.CharField(_("học vị"), max_length=20, choices=Degree.choices, blank=True)
    title = models.CharField(_("học hàm"), max_length=20, choices=AcademicTitle.choices, blank=True)
    fields = models.ManyToManyField(ScienceField, blank=True, related_name="people")
    email = models.EmailField(_("thư điện tử (riêng tư)"), blank=True)
    phone = models.CharField(_("điện thoại (riêng tư)"), max_length=30, blank=True)
    id_number = models.CharField(_("số định danh cá nhân / CCCD (riêng tư)"), max_length=20, blank=True)
    birth_date = models.DateField(_("ngày sinh (riêng tư)"), null=True, blank=True)
    address = models.CharField(_("địa chỉ (riêng tư)"), max_length=300, blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("nhà khoa học, chuyên gia")
        verbose_name_plural = _("nhà khoa học, chuyên gia")

    def __str__(self) -> str:
        return self.full_name


class Affiliation(Dated):
    """Where a person worked and as what, when (lịch sử công tác)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("chức vụ, vị trí"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["person", "valid_from"]
        constraints = [_dates_in_order("registry_affiliation_dates")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"


# --- Programmes and tasks --------------------------------------------------------------------

class Level(models.TextChoices):
    NATIONAL = "national", _("cấp quốc gia")
    MINISTERIAL = "ministerial", _("cấp bộ")
    PROVINCIAL = "provincial", _("cấp tỉnh")
    GRASSROOTS = "grassroots", _("cấp cơ sở")


class Programme(models.Model):
    """A programme tasks belong to, e.g. one of the five programmes linked by section II.2."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=400)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.PROVINCIAL)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    actions = models.ManyToManyField("plans.Action", blank=True, related_name="programmes",
                                     verbose_name=_("nhiệm vụ của kế hoạch"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")

    def __str__(self) -> str:
        return self.name


class TaskKind(models.TextChoices):
    TOPIC = "de_tai", _("đề tài")
    PILOT_PRODUCTION = "du_an_sxtn", _("dự án sản xuất thử nghiệm")
    SCHEME = "de_an", _("đề án")
    ST_PROJECT = "du_an_khcn", _("dự án KH&CN")
    INNOVATION = "innovation", _("nhiệm vụ đổi mới sáng tạo")
    SPECIAL = "special", _("nhiệm vụ đặc biệt")


class InnovationSubkind(models.TextChoices):
    """The kinds of innovation task of Decree 268/2025/NĐ-CP."""

    NONE = "", _("—")
    TECHNOLOGY = "technology", _("đổi mới công nghệ")
    IP_PRODUCTIVITY = "ip_productivity", _("sở hữu trí tuệ, năng suất chất lượng")
    STARTUP = "startup", _("hỗ trợ khởi nghiệp sáng tạo")
    INTEREST_VOUCHER = "interest_voucher", _("hỗ trợ lãi suất, phiếu hỗ trợ (voucher)")


class Mechanism(models.TextChoices):
    FUNDING = "funding", _("tài trợ")
    COMMISSIONING = "commissioning", _("đặt hàng")
    BASE_LEVEL = "base_level", _("cấp cơ sở tự thực hiện")


class Selection(models.TextChoices):
    OPEN = "open", _("tuyển chọn")
    DIRECT = "direct", _("giao trực tiếp")


class Task(models.Model):
    """An S&T or innovation task from its proposal to the application of its results. `state`
    moves only through stiplan.registry.actions, along the regime's table in lifecycle.py."""

    code = models.CharField(_("mã"), max_length=60, unique=True)
    title = models.TextField(_("tên nhiệm vụ"))
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("loại"), max_length=20, choices=TaskKind.choices)
    innovation_subkind = models.CharField(_("loại nhiệm vụ ĐMST"), max_length=20, blank=True,
                                          choices=InnovationSubkind.choices)
    mechanism = models.CharField(_("phương thức cấp kinh phí"), max_length=20, choices=Mechanism.choices)
    selection = models.CharField(_("phương thức giao"), max_length=10, choices=Selection.choices)
    start_date = models.DateField(_("ngày bắt đầu (đề xuất)"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    regime = models.CharField(_("chế độ pháp lý"), max_length=10, choices=Regime.choices)
    regime_reason = models.TextField(
        _("lý do chọn chế độ khác ngày bắt đầu"), blank=True,
        help_text=_("Bắt buộc khi chế độ khác với chế độ suy ra từ ngày bắt đầu."))
    state = models.CharField(_("trạng thái"), max_length=30)
    public = models.BooleanField(_("công khai"), default=False, editable=False,
                                 help_text=_("Theo trạng thái: từ khi được phê duyệt."))
    field = models.ForeignKey(ScienceField, verbose_name=_("lĩnh vực"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="tasks")
    host = models.ForeignKey(Organisation, verbose_name=_("tổ chức chủ trì"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="hosted_tasks")
    programme = models.ForeignKey(Programme, verbose_name=_("chương trình"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="tasks")
    actions = models.ManyToManyField("plans.Action", blank=True, related_name="registry_tasks",
                                     verbose_name=_("nhiệm vụ của kế hoạch"))
    summary = models.TextField(_("tóm tắt"), blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    #: The code and title as folded search words (no accents, đ → d, abbreviations spelled out),
    #: between spaces: " nghien cuu lua ". Written by the action that writes the title; the task
    #: list matches words in it, in the database (stiplan.registry.search).
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("nhiệm vụ KH&CN")
        verbose_name_plural = _("nhiệm vụ KH&CN")
        #: The list's order as an index: a search for common words reads tasks in this order and
        #: stops at the first page, rather than sorting every match (stiplan.registry.search).
        indexes = [models.Index(fields=["-start_date", "code"], name="registry_task_listed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="registry_task_dates"),
            models.CheckConstraint(
                condition=Q(kind="innovation") | Q(innovation_subkind=""),
                name="registry_task_subkind_only_for_innovation"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def default_regime(self) -> str:
        return regime_for(self.start_date)

    def principal_investigator(self, day: dt.date | None = None):
        """The chủ nhiệm on `day` (today when not given), or None."""
        day = day or dt.date.today()
        for member in self.members.filter(role=MemberRole.PRINCIPAL).select_related("person"):
            if member.holds_on(day):
                return member.person
        return None


class MemberRole(models.TextChoices):
    PRINCIPAL = "principal", _("chủ nhiệm")
    SECRETARY = "secretary", _("thư ký khoa học")
    MAIN = "main", _("thành viên chính")
    MEMBER = "member", _("thành viên")


class TaskMember(Dated):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="task_roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "role", "valid_from"]
        constraints = [_dates_in_order("registry_taskmember_dates")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("ngân sách trung ương")
    PROVINCIAL = "provincial", _("ngân sách tỉnh")
    HOST = "host", _("vốn của tổ chức chủ trì")
    ENTERPRISE = "enterprise", _("doanh nghiệp, đối ứng")
    OTHER = "other", _("nguồn khác")


class BudgetLine(models.Model):
    """Money for a task from one source in one year (million VND), with its lump-sum part (khoán)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="budget")
    source = models.CharField(_("nguồn"), max_length=20, choices=FundingSource.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.DecimalField(_("kinh phí (triệu đồng)"), max_digits=14, decimal_places=3)
    lump_sum = models.DecimalField(_("trong đó khoán chi (triệu đồng)"), max_digits=14,
                                   decimal_places=3, default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "year", "source"]
        constraints = [
            models.UniqueConstraint(fields=["task", "source", "year"], name="registry_budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(lump_sum__gte=0)
                                   & Q(lump_sum__lte=models.F("amount")), name="registry_budget_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.year} {self.source}: {self.amount}"


class TaskStep(models.Model):
    """One move of a task along its lifecycle (or an event that keeps its state: inspection,
    adjustment, extension, follow-up), with who, when and the decision (số, ngày, tệp)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("bước"), max_length=40)
    from_state = models.CharField(_("từ trạng thái"), max_length=30)
    to_state = models.CharField(_("sang trạng thái"), max_length=30)
    at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    on = models.DateField(_("ngày thực hiện"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    decision_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    document = models.FileField(_("tệp văn bản"), storage=PrivateStorage,
                                upload_to="registry/steps/", blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    finding = models.TextField(_("kết luận (chấp nhận rủi ro)"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "on", "pk"]
        verbose_name = _("bước thực hiện")
        verbose_name_plural = _("các bước thực hiện")

    def __str__(self) -> str:
        return f"{self.task.code}: {self.step} ({self.on})"


# --- Results ---------------------------------------------------------------------------------

class IPKind(models.TextChoices):
    PATENT = "patent", _("sáng chế")
    UTILITY_SOLUTION = "utility_solution", _("giải pháp hữu ích")
    INDUSTRIAL_DESIGN = "industrial_design", _("kiểu dáng công nghiệp")
    TRADEMARK = "trademark", _("nhãn hiệu")
    COLLECTIVE_MARK = "collective_mark", _("nhãn hiệu tập thể")
    CERTIFICATION_MARK = "certification_mark", _("nhãn hiệu chứng nhận")
    GEOGRAPHICAL_INDICATION = "geographical_indication", _("chỉ dẫn địa lý")
    PLANT_VARIETY = "plant_variety", _("giống cây trồng (bảo hộ)")


class IPAsset(models.Model):
    kind = models.CharField(_("loại"), max_length=30, choices=IPKind.choices)
    title = models.CharField(_("tên đối tượng"), max_length=400)
    application_number = models.CharField(_("số đơn"), max_length=60, blank=True)
    filed_on = models.DateField(_("ngày nộp đơn"), null=True, blank=True)
    number = models.CharField(_("số văn bằng"), max_length=60, blank=True)
    granted_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    owner = models.ForeignKey(Organisation, verbose_name=_("chủ sở hữu"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="ip_assets")
    owner_name = models.CharField(_("chủ sở hữu (ghi theo văn bằng)"), max_length=300, blank=True)
    source = models.CharField(_("nguồn thông tin"), max_length=300, blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("tài sản trí tuệ")
        verbose_name_plural = _("tài sản trí tuệ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class OutputKind(models.TextChoices):
    PUBLICATION = "publication", _("công bố khoa học")
    IP = "ip", _("tài sản trí tuệ")
    PRODUCT = "product", _("sản phẩm")
    PLANT_VARIETY = "plant_variety", _("giống cây trồng, vật nuôi mới")
    PROCESS = "process", _("quy trình công nghệ")
    MODEL = "model", _("mô hình")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("chuyển giao công nghệ")
    TRAINED_PHD = "trained_phd", _("đào tạo tiến sĩ")
    TRAINED_MSC = "trained_msc", _("đào tạo thạc sĩ")


class Output(models.Model):
    """A result of a task; registration (Thông tư 14/2014, sửa đổi 11/2023) gives each result its
    own certificate number (e.g. 20/KQNC-SKHCN)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("loại"), max_length=30, choices=OutputKind.choices)
    title = models.CharField(_("tên kết quả"), max_length=400)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    ip_asset = models.ForeignKey(IPAsset, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="outputs")
    person = models.ForeignKey(Person, verbose_name=_("người được đào tạo"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="trained_through")
    certificate_number = models.CharField(_("số giấy chứng nhận đăng ký kết quả"), max_length=60,
                                          blank=True)
    registered_on = models.DateField(_("ngày đăng ký"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "kind", "pk"]
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ResultApplication(models.Model):
    """The yearly follow-up of how a task's results are applied (Mẫu 12)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="applications")
    year = models.PositiveSmallIntegerField(_("năm"))
    applied = models.BooleanField(_("đã ứng dụng"))
    where = models.TextField(_("nơi, quy mô ứng dụng"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "year"]
        constraints = [models.UniqueConstraint(fields=["task", "year"], name="registry_application_once")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.year}"


# --- Councils ---------------------------------------------------------------------------------

class CouncilKind(models.TextChoices):
    IDENTIFICATION = "identification", _("hội đồng tư vấn xác định nhiệm vụ")
    SELECTION = "selection", _("hội đồng tuyển chọn, giao trực tiếp")
    APPRAISAL = "appraisal", _("tổ thẩm định nội dung, kinh phí")
    ACCEPTANCE = "acceptance", _("hội đồng đánh giá nghiệm thu")
    AWARD = "award", _("hội đồng chấm giải thưởng, cuộc thi")
    INITIATIVE = "initiative", _("hội đồng sáng kiến cấp tỉnh")


class Council(models.Model):
    """A council and the proposals or tasks it evaluates, or the entries of one call (a
    competition, an award, a round of initiative recognition: `call`); `criteria` is its scoring
    sheet: [{"code", "name", "max"}, optionally "weight"], in the order of priority the tie rule
    reads (ranking.py)."""

    kind = models.CharField(_("loại"), max_length=20, choices=CouncilKind.choices)
    name = models.CharField(_("tên hội đồng"), max_length=300)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    meets_on = models.DateField(_("ngày họp"), null=True, blank=True)
    criteria = models.JSONField(_("tiêu chí chấm điểm"), default=list, blank=True)
    tasks = models.ManyToManyField(Task, related_name="councils", verbose_name=_("hồ sơ đánh giá"))
    call = models.ForeignKey("Call", verbose_name=_("cuộc thi, giải thưởng"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="councils")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-meets_on", "pk"]
        verbose_name = _("hội đồng")
        verbose_name_plural = _("hội đồng")

    def __str__(self) -> str:
        return self.name


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("chủ tịch")
    VICE_CHAIR = "vice_chair", _("phó chủ tịch")
    REVIEWER = "reviewer", _("ủy viên phản biện")
    SECRETARY = "secretary", _("ủy viên thư ký")
    MEMBER = "member", _("ủy viên")


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="council_seats")
    role = models.CharField(_("vai trò"), max_length=20, choices=CouncilRole.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["council", "person"], name="registry_seat_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


def _task_or_entry(related: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    """The two things a council judges, one of them set: a task, or an entry of a call."""
    return (models.ForeignKey(Task, on_delete=models.CASCADE, related_name=related, null=True,
                              blank=True),
            models.ForeignKey("Entry", on_delete=models.CASCADE, related_name=related, null=True,
                              blank=True))


def _once_each(name: str, before: list[str], after: tuple[str, ...] = ()) -> list:
    """Once per task and once per entry (with the fields around them), and exactly one of them."""
    return [
        models.UniqueConstraint(fields=[*before, "task", *after], name=f"registry_{name}_once"),
        models.UniqueConstraint(fields=[*before, "entry", *after], name=f"registry_entry_{name}_once"),
        models.CheckConstraint(condition=Q(task__isnull=True) ^ Q(entry__isnull=True),
                               name=f"registry_{name}_task_or_entry"),
    ]


class _Judged:
    @property
    def item(self):
        """The task or the entry of a call this row is about."""
        return self.task or self.entry


class ConflictDeclaration(_Judged, models.Model):
    """A member's declared conflict of interest with one task or one entry of a call: that member
    does not score it."""

    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="conflicts")
    task, entry = _task_or_entry("conflicts")
    reason = models.TextField(_("lý do"))
    declared_on = models.DateField(_("ngày khai"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = _once_each("conflict", ["member"])

    def __str__(self) -> str:
        return f"{self.member} × {self.item.code}"


class Score(_Judged, models.Model):
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="scores")
    task, entry = _task_or_entry("scores")
    criterion = models.CharField(_("tiêu chí"), max_length=30)
    value = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "member", "criterion"]
        constraints = [
            *_once_each("score", ["member"], ("criterion",)),
            models.CheckConstraint(condition=Q(value__gte=0), name="registry_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.criterion}: {self.value}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("xuất sắc")
    GOOD = "good", _("khá")
    PASS = "pass", _("đạt")
    FAIL = "fail", _("không đạt")


class Consensus(_Judged, models.Model):
    """The council's agreed conclusion on one task: mean score, rank among the competing
    proposals, grade (nghiệm thu) and the wording of its recommendation."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="conclusions")
    task, entry = _task_or_entry("conclusions")
    mean_score = models.DecimalField(_("điểm trung bình"), max_digits=7, decimal_places=2,
                                     null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("thứ hạng"), null=True, blank=True)
    grade = models.CharField(_("xếp loại"), max_length=20, choices=Grade.choices, blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    decided_on = models.DateField(_("ngày kết luận"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["council", "rank", "pk"]
        constraints = _once_each("consensus", ["council"])

    def __str__(self) -> str:
        return f"{self.council}: {self.item.code}"


# --- Competitions, awards, recognition of initiatives; the scorecard's entered figure --------

class CallKind(models.TextChoices):
    STI_AWARD = "sti_award", _("giải thưởng KH&CN")
    INNOVATIVE_ENTERPRISE = "innovative_enterprise", _("giải thưởng doanh nghiệp đổi mới sáng tạo")
    CREATIVE_CONTEST = "creative_contest", _("cuộc thi sáng tạo, sáng tạo thanh thiếu niên")
    INITIATIVE = "initiative", _("công nhận sáng kiến, cải tiến kỹ thuật cấp tỉnh")
    OTHER = "other", _("khác")


class Call(models.Model):
    """A competition or award (cuộc thi, giải thưởng) or a round of recognition of initiatives
    (đợt công nhận sáng kiến cấp tỉnh): its entries are judged by a council (Council.call) on
    `criteria` [{"code", "name", "max", "weight"}]. The call is public; its results (the winners,
    the recognised initiatives) only once `published`; scores and reviewers never."""

    kind = models.CharField(_("loại"), max_length=30, choices=CallKind.choices)
    title = models.CharField(_("tên cuộc thi, giải thưởng"), max_length=400)
    year = models.PositiveSmallIntegerField(_("năm"))
    opens_on = models.DateField(_("ngày mở nhận hồ sơ"))
    closes_on = models.DateField(_("ngày hết hạn nhận hồ sơ"))
    criteria = models.JSONField(_("tiêu chí và trọng số"), default=list, blank=True)
    published = models.BooleanField(_("đã công bố kết quả"), default=False, editable=False)
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True, editable=False)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-opens_on", "pk"]
        verbose_name = _("cuộc thi, giải thưởng")
        verbose_name_plural = _("cuộc thi, giải thưởng")
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="registry_call_dates")]

    def __str__(self) -> str:
        return self.title


class Prize(models.TextChoices):
    SPECIAL = "special", _("giải đặc biệt")
    FIRST = "first", _("giải nhất")
    SECOND = "second", _("giải nhì")
    THIRD = "third", _("giải ba")
    CONSOLATION = "consolation", _("giải khuyến khích")
    RECOGNISED = "recognised", _("được công nhận sáng kiến")


class Entry(models.Model):
    """One entry of a call (hồ sơ dự thi, đơn yêu cầu công nhận sáng kiến) by an organisation
    and/or a person; `prize` and the decision (number, date) once it wins or is recognised."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="entries")
    code = models.CharField(_("số hồ sơ"), max_length=30)
    title = models.CharField(_("tên công trình, giải pháp, sáng kiến"), max_length=400)
    summary = models.TextField(_("tóm tắt"), blank=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("tổ chức dự thi"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="entries")
    person = models.ForeignKey(Person, verbose_name=_("cá nhân dự thi, tác giả"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="entries")
    submitted_on = models.DateField(_("ngày nộp"))
    prize = models.CharField(_("giải, công nhận"), max_length=20, choices=Prize.choices, blank=True)
    decision_number = models.CharField(_("số quyết định tặng giải, công nhận"), max_length=60,
                                       blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["call", "code"]
        verbose_name = _("hồ sơ dự thi, sáng kiến")
        verbose_name_plural = _("hồ sơ dự thi, sáng kiến")
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="registry_entry_code_once"),
            models.CheckConstraint(condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                                   name="registry_entry_has_entrant"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def entrant(self) -> str:
        return " — ".join(str(x) for x in (self.person, self.organisation) if x is not None)


class ServiceRevenue(models.Model):
    """An organisation's revenue from S&T services in one year (million VND), as entered by the
    Department from the organisation's report: the scorecard's one figure not computed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="service_revenue")
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.DecimalField(_("doanh thu dịch vụ KH&CN (triệu đồng)"), max_digits=14,
                                 decimal_places=3)
    source = models.CharField(_("nguồn số liệu"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="registry_revenue_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="registry_revenue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.amount}"


# --- Labs and equipment; technology offers and demands (cung – cầu công nghệ) ------------------

class Sharing(models.TextChoices):
    NOT_SHARED = "not_shared", _("không chia sẻ")
    ON_REQUEST = "on_request", _("chia sẻ theo yêu cầu")
    FOR_FEE = "for_fee", _("chia sẻ có thu phí")


class Lab(models.Model):
    """A laboratory (phòng thí nghiệm) of an organisation, where it is and whether others may use
    it. Public, like the other resources; written by `registry.actions.add_lab`."""

    name = models.CharField(_("tên phòng thí nghiệm"), max_length=300)
    owner = models.ForeignKey(Organisation, verbose_name=_("tổ chức chủ quản"),
                              on_delete=models.PROTECT, related_name="labs")
    field = models.ForeignKey(ScienceField, verbose_name=_("lĩnh vực"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="labs")
    location = models.CharField(_("địa điểm"), max_length=300)
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name=_("đơn vị hành chính"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(_("mô tả"), blank=True)
    sharing = models.CharField(_("chia sẻ"), max_length=20, choices=Sharing.choices,
                               default=Sharing.NOT_SHARED)
    sharing_terms = models.TextField(_("điều kiện chia sẻ"), blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("phòng thí nghiệm")
        verbose_name_plural = _("phòng thí nghiệm")

    def __str__(self) -> str:
        return self.name


class Equipment(models.Model):
    """One item of equipment (thiết bị) of a lab; its value in million VND when known."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("tên thiết bị"), max_length=300)
    model = models.CharField(_("model, hãng"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("năm đưa vào sử dụng"), null=True, blank=True)
    value = models.DecimalField(_("giá trị (triệu đồng)"), max_digits=14, decimal_places=3,
                                null=True, blank=True)
    sharing = models.CharField(_("chia sẻ"), max_length=20, choices=Sharing.choices,
                               default=Sharing.NOT_SHARED)
    sharing_terms = models.TextField(_("điều kiện chia sẻ"), blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["lab", "name", "pk"]
        verbose_name = _("thiết bị")
        verbose_name_plural = _("thiết bị")
        constraints = [models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0),
                                              name="registry_equipment_value_not_negative")]

    def __str__(self) -> str:
        return self.name


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("bản nháp")
    PUBLISHED = "published", _("đã công bố")
    WITHDRAWN = "withdrawn", _("đã rút")


class TransferForm(models.TextChoices):
    LICENCE = "licence", _("li-xăng (chuyển quyền sử dụng)")
    SALE = "sale", _("chuyển nhượng (bán)")
    JOINT_VENTURE = "joint_venture", _("góp vốn, liên doanh")
    CONSULTING = "consulting", _("tư vấn, hỗ trợ kỹ thuật")


class Listing(models.Model):
    """What an offer and a demand share: a title, a field, a status (only published ones are
    public) and the contact behind it, which is private: never shown outside the Department (a
    public portal will relay messages instead). `search_text` holds the folded words of the
    title and text (stiplan.registry.search), written by the action that writes them."""

    PRIVATE_FIELDS = ("contact_name", "contact_email", "contact_phone")

    title = models.CharField(_("tên"), max_length=400)
    field = models.ForeignKey(ScienceField, verbose_name=_("lĩnh vực"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=ListingStatus.choices,
                              default=ListingStatus.DRAFT)
    contact_name = models.CharField(_("người liên hệ (riêng tư)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ (riêng tư)"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ (riêng tư)"), max_length=30, blank=True)
    created_on = models.DateField(_("ngày ghi"))
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    synthetic = models.BooleanField(_("dữ liệu mô phỏng"), default=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-published_on", "-created_on", "pk"]

    def __str__(self) -> str:
        return self.title


class TechnologyOffer(Listing):
    """A technology on offer (cung công nghệ): what it is, whose, how ready (TRL 1–9), how it may
    be transferred, and the task, result or IP asset it comes from, if any."""

    summary = models.TextField(_("tóm tắt công nghệ"))
    owner = models.ForeignKey(Organisation, verbose_name=_("tổ chức sở hữu"),
                              on_delete=models.PROTECT, related_name="technology_offers")
    task = models.ForeignKey(Task, verbose_name=_("từ nhiệm vụ"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="technology_offers")
    output = models.ForeignKey(Output, verbose_name=_("từ kết quả"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="technology_offers")
    ip_asset = models.ForeignKey(IPAsset, verbose_name=_("tài sản trí tuệ"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="technology_offers")
    trl = models.PositiveSmallIntegerField(_("mức sẵn sàng công nghệ (TRL)"))
    transfer_forms = models.JSONField(_("hình thức chuyển giao"), default=list)
    price_note = models.CharField(_("giá, điều kiện tài chính"), max_length=300, blank=True)

    class Meta(Listing.Meta):
        verbose_name = _("công nghệ chào bán")
        verbose_name_plural = _("công nghệ chào bán")
        constraints = [models.CheckConstraint(condition=Q(trl__gte=1) & Q(trl__lte=9),
                                              name="registry_offer_trl_1_to_9")]

    def transfer_form_labels(self) -> list[str]:
        return [str(TransferForm(code).label) for code in self.transfer_forms
                if code in TransferForm.values]


class TechnologyDemand(Listing):
    """A technology an enterprise looks for (cầu công nghệ): what it needs and what it may spend."""

    needs = models.TextField(_("nhu cầu công nghệ"))
    enterprise = models.ForeignKey(Organisation, verbose_name=_("doanh nghiệp, tổ chức có nhu cầu"),
                                   on_delete=models.PROTECT, related_name="technology_demands")
    budget_note = models.CharField(_("kinh phí dự kiến"), max_length=300, blank=True)

    class Meta(Listing.Meta):
        verbose_name = _("nhu cầu công nghệ")
        verbose_name_plural = _("nhu cầu công nghệ")


class ListingMessage(models.Model):
    """A visitor's message about a published offer or demand (issue 14), relayed to the owner's
    private contact by e-mail: the visitor never sees that address, and the owner answers the
    visitor's own. Messages are private (PRIVATE_FIELDS): the Department reads them, and the
    people of the organisation's unit in the tree, if it has one."""

    PRIVATE_FIELDS = ("sender_name", "sender_organisation", "sender_email", "body")

    offer = models.ForeignKey(TechnologyOffer, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="messages", verbose_name=_("công nghệ chào bán"))
    demand = models.ForeignKey(TechnologyDemand, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="messages", verbose_name=_("nhu cầu công nghệ"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("tổ chức nhận"))
    sender_name = models.CharField(_("họ và tên người gửi"), max_length=200)
    sender_organisation = models.CharField(_("tổ chức, doanh nghiệp của người gửi"), max_length=300,
                                           blank=True)
    sender_email = models.EmailField(_("thư điện tử người gửi"))
    body = models.TextField(_("nội dung lời nhắn"), max_length=4000)
    sent_at = models.DateTimeField(_("thời điểm gửi"))
    owner_notified = models.BooleanField(_("đã chuyển tới chủ sở hữu"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("lời nhắn về công nghệ")
        verbose_name_plural = _("lời nhắn về công nghệ")
        constraints = [models.CheckConstraint(
            condition=(Q(offer__isnull=False, demand__isnull=True)
                       | Q(offer__isnull=True, demand__isnull=False)),
            name="registry_message_one_listing")]

    def __str__(self) -> str:
        return f"#{self.pk} · {self.listing.title}"[:300]

    @property
    def listing(self) -> TechnologyOffer | TechnologyDemand:
        return self.offer or self.demand


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Bị từ chối")
    STALE = "stale", _("Dừng giữa chừng")


#: The states of a job still to end by itself (the stale-job expirer fails those left too long).
ACTIVE_IMPORT_STATES = (ImportState.QUEUED, ImportState.RUNNING)


class ImportJob(models.Model):
    """A large bulk file imported by a background job (the page polls its progress): the file kept
    in private storage, who sent it, the rows checked then written, and the outcome — the counts,
    or every problem by row and column (and then nothing was written)."""

    entity = models.CharField(_("loại dữ liệu"), max_length=20)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    state = models.CharField(_("trạng thái"), max_length=10, choices=ImportState.choices,
                             default=ImportState.QUEUED)
    step = models.CharField(_("bước"), max_length=10, blank=True)  # read | check | write
    file = models.FileField(_("tệp"), storage=PrivateStorage, upload_to="registry/imports/")
    filename = models.CharField(_("tên tệp"), max_length=200)
    sha256 = models.CharField(max_length=64)
    rows_total = models.PositiveIntegerField(_("số dòng"), default=0)
    rows_done = models.PositiveIntegerField(_("số dòng đã kiểm tra"), default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(_("lỗi"), default=list, blank=True)
    error = models.TextField(_("lỗi khác"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("lúc gửi"), auto_now_add=True)
    started_at = models.DateTimeField(_("lúc bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("lúc kết thúc"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lượt nhập tệp")
        verbose_name_plural = _("lượt nhập tệp")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state not in ACTIVE_IMPORT_STATES

    @property
    def progress(self) -> int:
        """Per cent of the rows checked (the write that follows is one transaction: it has none)."""
        return min(100, 100 * self.rows_done // self.rows_total) if self.rows_total else 0
