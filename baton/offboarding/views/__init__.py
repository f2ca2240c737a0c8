"""Offboarding pages: the HR board, opening a case, the leaver's handover, the case page with
its sign-off, the transfer planner, the approver's inbox, revisits, templates and settings.

Cases come only from the offboarding selectors, which apply the viewer's data scope; a case
outside it answers 404 like a missing one. Each form calls one service, and a service's refusal
shows on the form with the input kept.
"""

from baton.offboarding.views.cases import (
    BoardView,
    CaseDetailView,
    CaseOpenView,
    CompleteView,
    DecisionView,
    EvidenceDownloadView,
    ExitInterviewView,
    InboxView,
    ResignView,
    SuccessorView,
    WithdrawView,
)
from baton.offboarding.views.handover import (
    FollowUpUploadView,
    ItemCompleteView,
    ItemConfirmView,
    MyHandoverView,
)
from baton.offboarding.views.plan import PlanExecuteView, PlanView
from baton.offboarding.views.settings import (
    PolicySettingsView,
    RevisitListView,
    RevisitRecordView,
    TemplateEditView,
    TemplateItemCreateView,
    TemplateItemDeleteView,
    TemplateItemEditView,
    TemplateListView,
)

__all__ = [
    "BoardView",
    "CaseDetailView",
    "CaseOpenView",
    "CompleteView",
    "DecisionView",
    "EvidenceDownloadView",
    "ExitInterviewView",
    "FollowUpUploadView",
    "InboxView",
    "ItemCompleteView",
    "ItemConfirmView",
    "MyHandoverView",
    "PlanExecuteView",
    "PlanView",
    "PolicySettingsView",
    "ResignView",
    "RevisitListView",
    "RevisitRecordView",
    "SuccessorView",
    "TemplateEditView",
    "TemplateItemCreateView",
    "TemplateItemDeleteView",
    "TemplateItemEditView",
    "TemplateListView",
    "WithdrawView",
]
