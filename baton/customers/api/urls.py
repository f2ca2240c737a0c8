from django.urls import path
from rest_framework.routers import SimpleRouter

from baton.customers.api import views

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("facts", views.FactViewSet, basename="fact")
router.register("orders", views.OrderViewSet, basename="order")
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("receivables", views.ReceivableViewSet, basename="receivable")
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("pools", views.PoolViewSet, basename="pool")
router.register("assignment-rules", views.AssignmentRuleViewSet, basename="assignment-rule")

urlpatterns = [
    path(
        "customers/rebalance-preview/",
        views.RebalancePreviewView.as_view(),
        name="customer-rebalance-preview",
    ),
    *router.urls,
]
