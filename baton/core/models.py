from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.Model):
    """When a periodic job last ran, so a job runs once per period across all workers."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("job state")
        verbose_name_plural = _("job states")

    def __str__(self) -> str:
        return self.name
