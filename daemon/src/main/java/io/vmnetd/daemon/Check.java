package io.vmnetd.daemon;

import io.vmnetd.daemon.config.Config;
import io.vmnetd.daemon.model.NetworkPort;
import io.vmnetd.daemon.model.PodEnd;
import io.vmnetd.daemon.reconcile.Reconciler;
import io.vmnetd.daemon.reconcile.ReconcileObserver;
import io.vmnetd.daemon.reconcile.StepContext;
import io.vmnetd.daemon.state.Attachment;
import io.vmnetd.daemon.state.AttachmentJournal;
import io.vmnetd.daemon.state.NetworkRegistry;
import io.vmnetd.netlink.NetNs;
import io.vmnetd.netlink.RtNetlink;
import java.nio.file.Path;
import java.util.List;

/** {@code vmnetd --check}: the config is valid (or loading it already failed); print the plan, apply nothing. */
final class Check {
    private Check() {}

    static int run(Config config) throws Exception {
        try (RtNetlink host = RtNetlink.open()) {
            AttachmentJournal journal = AttachmentJournal.read(config.stateDir());
            NetworkRegistry registry = NetworkRegistry.read(config.stateDir());
            StepContext refuse = new StepContext() {
                @Override
                public RtNetlink host() {
                    throw new IllegalStateException("--check applies nothing");
                }

                @Override
                public NetNs openNamespace(PodEnd pod) {
                    throw new IllegalStateException("--check applies nothing");
                }
            };
            List<NetworkPort> ports = journal.all().stream().filter(a -> a.state() == Attachment.State.READY)
                    .map(Attachment::networkPort).toList();
            Reconciler r = new Reconciler(host, refuse, registry, config, () -> ports, ReconcileObserver.NONE);
            List<String> plan = r.dryRun(config);
            System.out.println("config is valid");
            System.out.println(plan.isEmpty() ? "the node is as configured; nothing to change" : String.join("\n", plan));
            return 0;
        }
    }
}
