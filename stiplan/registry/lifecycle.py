"""The lifecycle of a task as data, one table per regime: its states, and the steps that move a
task between them with the document each step needs (the 2014–2017 circulars; Law 93/2025).

A step with `target=None` keeps the state (inspection, adjustment, extension, yearly follow-up):
it is still a recorded step with its document. Staff may adjust the wording of the documents
here; the actions (stiplan.registry.actions) read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stiplan.registry.models import Regime


class State:
    PROPOSED = "proposed"
    IDENTIFIED = "identified"
    LISTED = "listed"
    SELECTED = "selected"
    APPRAISED = "appraised"
    APPROVED = "approved"
    CONTRACTED = "contracted"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    RISK_ACCEPTED = "risk_accepted"
    SELF_ASSESSED = "self_assessed"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    REGISTERED = "registered"
    APPLIED = "applied"
    REJECTED = "rejected"


STATE_LABELS = {
    State.PROPOSED: _("đề xuất đặt hàng"),
    State.IDENTIFIED: _("đã qua hội đồng xác định nhiệm vụ"),
    State.LISTED: _("trong danh mục được phê duyệt"),
    State.SELECTED: _("đã tuyển chọn hoặc giao trực tiếp"),
    State.APPRAISED: _("đã thẩm định nội dung và kinh phí"),
    State.APPROVED: _("đã phê duyệt"),
    State.CONTRACTED: _("đang thực hiện theo hợp đồng"),
    State.SUSPENDED: _("tạm dừng"),
    State.TERMINATED: _("chấm dứt"),
    State.RISK_ACCEPTED: _("đã chấp nhận rủi ro"),
    State.SELF_ASSESSED: _("đã tự đánh giá"),
    State.ACCEPTED: _("nghiệm thu đạt"),
    State.NOT_ACCEPTED: _("nghiệm thu không đạt"),
    State.REGISTERED: _("đã đăng ký kết quả"),
    State.APPLIED: _("đang ứng dụng kết quả"),
    State.REJECTED: _("không được chọn"),
}

#: From approval on, a task is public (transparent management, plan III.1); proposals are not.
PUBLIC_STATES = frozenset({
    State.APPROVED, State.CONTRACTED, State.SUSPENDED, State.TERMINATED, State.RISK_ACCEPTED,
    State.SELF_ASSESSED, State.ACCEPTED, State.NOT_ACCEPTED, State.REGISTERED, State.APPLIED,
})
INITIAL_STATE = State.PROPOSED
#: Steps taken elsewhere, not as a bare step (the step form, the API): the application of results
#: goes with its yearly report (Mẫu 12, `report_application`).
NOT_A_BARE_STEP = frozenset({"apply", "follow_up"})


class Needs:
    """What a step needs besides being taken from one of its states (checked by the actions)."""

    DECISION = "decision"                     # a document number and date
    SELECTION_SCORES = "selection_scores"     # a selection council's consensus on the task
    PASSING_GRADE = "passing_grade"           # the acceptance council graded it at least "đạt"
    FAILING_GRADE = "failing_grade"           # … graded it "không đạt"
    CERTIFICATES = "certificates"             # every output has its registration certificate number
    FINDING = "finding"                       # the written finding of a risk acceptance
    NEW_END_DATE = "new_end_date"             # an extension names the new end date


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    sources: frozenset[str]
    target: str | None
    document: str
    needs: frozenset[str] = frozenset()

    def lands_in(self, state: str) -> str:
        return self.target or state


@dataclass(frozen=True)
class Lifecycle:
    regime: str
    steps: dict[str, Step]

    @property
    def states(self) -> frozenset[str]:
        found = {INITIAL_STATE}
        for step in self.steps.values():
            found |= step.sources | ({step.target} if step.target else set())
        return frozenset(found)

    def allowed(self, state: str) -> list[Step]:
        return [s for s in self.steps.values() if state in s.sources]


def _step(code, label, sources, target, document, *needs) -> Step:
    return Step(code, label, frozenset(sources), target, document, frozenset(needs))


S = State
RUNNING = (S.CONTRACTED,)
DECISION = Needs.DECISION


def _common_steps(docs: dict[str, str]) -> list[Step]:
    """The steps both regimes share; `docs` names each step's document under the regime."""
    return [
        _step("identify", _("họp hội đồng xác định nhiệm vụ"), [S.PROPOSED], S.IDENTIFIED,
              docs["identify"]),
        _step("reject_proposal", _("không đặt hàng đề xuất"), [S.PROPOSED, S.IDENTIFIED], S.REJECTED,
              docs["reject_proposal"]),
        _step("approve_list", _("phê duyệt danh mục nhiệm vụ"), [S.IDENTIFIED], S.LISTED,
              docs["approve_list"], DECISION),
        _step("select", _("tuyển chọn hoặc giao trực tiếp"), [S.LISTED], S.SELECTED,
              docs["select"], Needs.SELECTION_SCORES),
        _step("not_selected", _("không tuyển chọn được"), [S.LISTED], S.REJECTED, docs["select"]),
        _step("appraise", _("thẩm định nội dung và kinh phí"), [S.SELECTED], S.APPRAISED,
              docs["appraise"]),
        _step("approve", _("phê duyệt nhiệm vụ"), [S.APPRAISED], S.APPROVED, docs["approve"], DECISION),
        _step("contract", _("ký hợp đồng"), [S.APPROVED], S.CONTRACTED, docs["contract"], DECISION),
        _step("inspect", _("kiểm tra định kỳ"), RUNNING, None, docs["inspect"]),
        _step("adjust", _("điều chỉnh nhiệm vụ"), RUNNING, None, docs["adjust"], DECISION),
        _step("extend", _("gia hạn"), RUNNING, None, docs["extend"], DECISION, Needs.NEW_END_DATE),
        _step("suspend", _("tạm dừng"), RUNNING, S.SUSPENDED, docs["suspend"], DECISION),
        _step("resume", _("tiếp tục thực hiện"), [S.SUSPENDED], S.CONTRACTED, docs["suspend"], DECISION),
        _step("terminate", _("chấm dứt hợp đồng"), [S.CONTRACTED, S.SUSPENDED], S.TERMINATED,
              docs["terminate"], DECISION),
        _step("self_assess", _("tự đánh giá"), RUNNING, S.SELF_ASSESSED, docs["self_assess"]),
        _step("accept", _("nghiệm thu đạt"), [S.SELF_ASSESSED], S.ACCEPTED, docs["accept"],
              DECISION, Needs.PASSING_GRADE),
        _step("fail_acceptance", _("nghiệm thu không đạt"), [S.SELF_ASSESSED], S.NOT_ACCEPTED,
              docs["accept"], DECISION, Needs.FAILING_GRADE),
        _step("register", _("đăng ký kết quả"), [S.ACCEPTED], S.REGISTERED, docs["register"],
              Needs.CERTIFICATES),
        _step("apply", _("ứng dụng kết quả"), [S.REGISTERED], S.APPLIED, docs["apply"]),
        _step("follow_up", _("theo dõi ứng dụng hằng năm"), [S.APPLIED], None, docs["apply"]),
    ]


DOCUMENTS_2014 = {
    "identify": "Phiếu đề xuất (A1-ĐXNV) và biên bản hội đồng tư vấn xác định nhiệm vụ (TT 07/2014, 03/2017)",
    "reject_proposal": "Văn bản trả lời đề xuất không được đặt hàng (TT 07/2014)",
    "approve_list": "Quyết định phê duyệt danh mục nhiệm vụ đặt hàng của Chủ tịch UBND tỉnh",
    "select": "Biên bản và phiếu chấm điểm của hội đồng tuyển chọn, giao trực tiếp (TT 08/2017)",
    "appraise": "Biên bản thẩm định nội dung và kinh phí (TT 08/2017, TT 55/2015)",
    "approve": "Quyết định phê duyệt tổ chức chủ trì, chủ nhiệm, kinh phí và thời gian thực hiện",
    "contract": "Hợp đồng thực hiện nhiệm vụ (mẫu TT 05/2014)",
    "inspect": "Biên bản kiểm tra định kỳ (TT 09/2014)",
    "adjust": "Văn bản chấp thuận điều chỉnh (TT 09/2014)",
    "extend": "Văn bản gia hạn thời gian thực hiện (TT 09/2014)",
    "suspend": "Quyết định tạm dừng hoặc cho tiếp tục thực hiện (TT 09/2014)",
    "terminate": "Quyết định chấm dứt hợp đồng và thu hồi kinh phí (TT 09/2014)",
    "self_assess": "Báo cáo tự đánh giá kết quả (TT 11/2014)",
    "accept": "Biên bản hội đồng nghiệm thu và quyết định công nhận kết quả (TT 11/2014)",
    "register": "Hồ sơ đăng ký (Mẫu 5) và giấy chứng nhận đăng ký kết quả (TT 14/2014, sửa đổi 11/2023)",
    "apply": "Báo cáo ứng dụng kết quả (Mẫu 12, TT 14/2014 sửa đổi 11/2023)",
}

#: Circulars 36/2025 and 44/2025 were not read (CONTEXT.md §10): the documents below are named by
#: the decree and the information they carry; staff adjust the wording when the forms are at hand.
DOCUMENTS_2025 = {
    **DOCUMENTS_2014,
    "identify": "Đề xuất đặt hàng và biên bản hội đồng xác định nhiệm vụ (NĐ 267/2025, TT 44/2025)",
    "reject_proposal": "Văn bản trả lời đề xuất không được đặt hàng (NĐ 267/2025)",
    "select": "Biên bản hội đồng tuyển chọn, giao trực tiếp và phiếu chấm điểm (NĐ 267/2025)",
    "appraise": "Biên bản thẩm định nội dung và kinh phí (NĐ 267/2025)",
    "approve": "Quyết định phê duyệt nhiệm vụ, phương thức tài trợ hoặc đặt hàng (NĐ 267/2025)",
    "contract": "Hợp đồng thực hiện nhiệm vụ (TT 44/2025)",
    "inspect": "Biên bản kiểm tra định kỳ (TT 44/2025)",
    "adjust": "Văn bản chấp thuận điều chỉnh (TT 44/2025)",
    "extend": "Văn bản gia hạn (TT 44/2025)",
    "suspend": "Quyết định tạm dừng hoặc cho tiếp tục thực hiện (TT 44/2025)",
    "terminate": "Quyết định chấm dứt thực hiện nhiệm vụ (NĐ 267/2025)",
    "self_assess": "Báo cáo tự đánh giá kết quả (TT 44/2025)",
    "accept": "Biên bản hội đồng đánh giá nghiệm thu và quyết định công nhận kết quả (NĐ 267/2025)",
    "risk": "Kết luận chấp nhận rủi ro: đã thực hiện đúng quy trình, không phải bồi hoàn "
            "(Luật 93/2025, NĐ 267/2025)",
}

LIFECYCLES = {
    Regime.CIRCULARS_2014: Lifecycle(
        Regime.CIRCULARS_2014, {s.code: s for s in _common_steps(DOCUMENTS_2014)}),
    Regime.LAW_2025: Lifecycle(Regime.LAW_2025, {s.code: s for s in [
        *_common_steps(DOCUMENTS_2025),
        _step("accept_risk", _("chấp nhận rủi ro"), [S.CONTRACTED, S.SUSPENDED, S.TERMINATED],
              S.RISK_ACCEPTED, DOCUMENTS_2025["risk"], DECISION, Needs.FINDING),
    ]}),
}


def lifecycle_of(regime: str) -> Lifecycle:
    return LIFECYCLES[regime]
