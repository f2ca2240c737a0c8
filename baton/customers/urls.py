from django.urls import path

from baton.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.CustomerListView.as_view(), name="customer_list"),
    path("new/", views.CustomerCreateView.as_view(), name="customer_create"),
    path("team/", views.TeamView.as_view(), name="team_view"),
    path("pool/", views.PublicPoolView.as_view(), name="public_pool"),
    path("pool/<int:pk>/claim/", views.CustomerClaimView.as_view(), name="customer_claim"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="customer_detail"),
    path("<int:pk>/interactions/new/", views.InteractionRecordView.as_view(), name="interaction_record"),
    path("<int:pk>/contacts/new/", views.ContactAddView.as_view(), name="contact_add"),
    path("<int:pk>/release/", views.CustomerReleaseView.as_view(), name="customer_release"),
    path("<int:pk>/assign/", views.CustomerAssignView.as_view(), name="customer_assign"),
    path("<int:pk>/orders/new/", views.OrderCreateView.as_view(), name="order_create"),
    path("<int:pk>/complaints/new/", views.ComplaintRecordView.as_view(), name="complaint_record"),
    path("<int:pk>/contracts/new/", views.ContractAddView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/scan/", views.ContractScanView.as_view(), name="contract_scan"),
    path("interactions/<int:pk>/attach/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path(
        "attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="attachment_download"
    ),
    path("complaints/<int:pk>/resolve/", views.ComplaintResolveView.as_view(), name="complaint_resolve"),
    path("receivables/", views.ReceivableListView.as_view(), name="receivable_list"),
    path("receivables/<int:pk>/payment/", views.ReceivablePaymentView.as_view(), name="receivable_payment"),
    path("contacts/<int:pk>/reveal/", views.ContactRevealView.as_view(), name="contact_reveal"),
    path("facts/<int:pk>/review/", views.FactReviewView.as_view(), name="fact_review"),
]
