"""`stiplan qcluster`: django-q2's job cluster, stopping within seconds on SIGTERM or SIGINT.

django-q2 alone lets a worker finish the job it runs (up to the 600 s timeout) before it stops.
Here the workers are told too: the running job ends failed with a plain reason, its transaction
rolled back, and a job not yet started goes back to the queue (core/jobs.py)."""

import os
import signal

from django.conf import settings
from django_q.cluster import Cluster
from django_q.management.commands.qcluster import Command as QClusterCommand

from stiplan.core import jobs


class Command(QClusterCommand):
    def handle(self, *args, **options):
        settings.SECRET_KEY  # noqa: B018 — signing the tasks needs it: fail before starting
        if options.get("cluster_name"):
            os.environ["Q_CLUSTER_NAME"] = options["cluster_name"]
        jobs.prepare_workers()
        cluster = Cluster()  # its own handler stops the sentinel and waits for it

        def stop(signum, frame):
            if cluster.sentinel is None:
                raise SystemExit(0)
            jobs.interrupt_workers(cluster.sentinel.pid)
            cluster.sig_handler(signum, frame)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        cluster.start()
        if options.get("run_once"):
            cluster.stop()
