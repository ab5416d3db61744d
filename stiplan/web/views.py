"""The home page: the plans the visitor may see, each leading to its apps' pages."""

from django.views.generic import TemplateView

from stiplan.plans.models import Plan


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["plans"] = Plan.objects.restrict(self.request.user).select_related("issuing_unit")
        return ctx
