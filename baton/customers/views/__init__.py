"""Customer pages: the customer list, the team lead's view, the public pool (公海) and the 360°
profile with the forms that record what happens with a customer.

Customers and everything about them come only from the customers selectors, which apply the
viewer's data scope; a customer outside it answers 404 like a missing one. Each form calls one
service, and a service's refusal shows on the form (or as a message for the one-click actions).
"""

from baton.customers.views.common import TEAM_WIDE_VIEW, document_response
from baton.customers.views.lists import (
    CustomerClaimView,
    CustomerListView,
    CustomerTableView,
    PublicPoolView,
    ReceivableListView,
    TeamView,
)
from baton.customers.views.profile import (
    AttachmentAddView,
    AttachmentDownloadView,
    ComplaintRecordView,
    ComplaintResolveView,
    ContactAddView,
    ContactRevealView,
    ContractAddView,
    ContractScanView,
    CustomerAssignView,
    CustomerCreateView,
    CustomerDetailView,
    CustomerFormView,
    CustomerReleaseView,
    FactReviewView,
    InteractionRecordView,
    OrderCreateView,
    ProfileItemFormView,
    ReceivablePaymentView,
    ServiceMessageMixin,
)

__all__ = [
    "TEAM_WIDE_VIEW",
    "AttachmentAddView",
    "AttachmentDownloadView",
    "ComplaintRecordView",
    "ComplaintResolveView",
    "ContactAddView",
    "ContactRevealView",
    "ContractAddView",
    "ContractScanView",
    "CustomerAssignView",
    "CustomerClaimView",
    "CustomerCreateView",
    "CustomerDetailView",
    "CustomerFormView",
    "CustomerListView",
    "CustomerReleaseView",
    "CustomerTableView",
    "FactReviewView",
    "InteractionRecordView",
    "OrderCreateView",
    "ProfileItemFormView",
    "PublicPoolView",
    "ReceivableListView",
    "ReceivablePaymentView",
    "ServiceMessageMixin",
    "TeamView",
    "document_response",
]
