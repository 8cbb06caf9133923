package io.vmnetd.cli.command;

import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Table;
import io.vmnetd.cli.output.Table.Column;
import io.vmnetd.cli.output.Terminal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmnetctl ports}: GET /v1/ports, the CNI attachments oldest first. */
@Command(name = "ports", mixinStandardHelpOptions = true, description = {"List the VM and pod ports attached through the vmnet CNI plugin.",
        "Container, interface, network, host-side link, VLANs, state (READY, or PENDING during an ADD) and age."})
public final class PortsCommand extends ApiCommand {

    @Override
    public Integer call() {
        List<Object> ports = Values.list(client().get("/v1/ports"));
        if (!printedAsData(ports)) {
            print(table(ports, wide(), terminal()).render(terminal(), root.headers()));
        }
        return ExitCode.OK.code();
    }

    static Table table(List<Object> ports, boolean wide, Terminal t) {
        List<Column> columns = new ArrayList<>(List.of(Column.of("CONTAINER").shrinking(), Column.of("IFNAME"),
                Column.of("NETWORK"), Column.of("HOST LINK"), Column.of("VLANS").shrinking(),
                Column.of("STATE").painted(t::status), Column.of("AGE")));
        if (wide) {
            columns.addAll(List.of(Column.of("CLUSTER"), Column.of("MAC"), Column.of("NETNS").shrinking()));
        }
        Table table = new Table(columns);
        for (Object o : ports) {
            Map<String, Object> p = Values.map(o);
            String container = Values.text(p, "containerId");
            String network = Values.text(p, "vmNetwork");
            List<String> cells = new ArrayList<>(List.of(
                    wide || container.length() <= 12 ? container : container.substring(0, 12),
                    Values.text(p, "ifName"), network.isEmpty() ? "-" : network, Values.text(p, "hostIfName"),
                    Values.text(p, "vlans"), Values.text(p, "state"), Durations.age(Values.text(p, "created"))));
            if (wide) {
                cells.addAll(List.of(Values.text(p, "clusterNetwork"), Values.text(p, "mac"), Values.text(p, "netns")));
            }
            table.row(cells.toArray(String[]::new));
        }
        return table;
    }
}
