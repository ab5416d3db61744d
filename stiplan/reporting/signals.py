"""What reporting tells the apps above it. Reporting imports none of them; metrics listens and
copies a report's values into its data values (metrics.signals).

Sent inside the action's transaction with the report row locked, so a listener's write commits
or rolls back with the report's own change, and a listener's error refuses the action."""

from django.dispatch import Signal

#: A report's values now count differently: sent with `report`, `final` (True on acceptance,
#: False on submission and on unlocking) and `by`.
report_values_changed = Signal()
