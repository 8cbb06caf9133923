package io.vmnetd.cli.command;

import io.vmnetd.cli.CliError;
import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Table;
import io.vmnetd.cli.output.Table.Column;
import io.vmnetd.cli.output.Terminal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code vmnetctl links}: GET /v1/links as {@code bridge vlan show} prints it, one line per VLAN range of each bridge
 * and bridge port, the name on the first; adjacent VIDs with the same flags are collapsed into one range.
 */
@Command(name = "links", mixinStandardHelpOptions = true, description = {"Show the VLANs of each bridge and bridge port, as the kernel has them.",
        "One line per VID range, like bridge -compressvlans vlan show. With LINK names, only those links."})
public final class LinksCommand extends ApiCommand {

    @Parameters(paramLabel = "LINK", arity = "0..*", description = "only these links")
    private List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        List<Object> links = Values.list(client().get("/v1/links"));
        if (!only.isEmpty()) {
            links = select(links);
        }
        if (printedAsData(links)) {
            return ExitCode.OK.code();
        }
        print(table(links, !only.isEmpty(), wide(), terminal()).render(terminal(), root.headers()));
        return ExitCode.OK.code();
    }

    private List<Object> select(List<Object> links) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Object l : links) {
            byName.put(Values.text(Values.map(l), "name"), l);
        }
        List<Object> selected = new ArrayList<>();
        for (String name : only) {
            Object link = byName.get(name);
            if (link == null) {
                throw new CliError(ExitCode.NOT_FOUND, "no link named " + name + " on this node");
            }
            selected.add(link);
        }
        return selected;
    }

    /** One VID range with its flags, as in {@code bridge vlan show}. */
    record VlanRange(int first, int last, boolean pvid, boolean untagged) {
        static VlanRange parse(Map<String, Object> v) {
            String vids = Values.text(v, "vids");
            int dash = vids.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? vids : vids.substring(0, dash));
            int last = dash < 0 ? first : Integer.parseInt(vids.substring(dash + 1));
            return new VlanRange(first, last, Values.bool(v, "pvid"), Values.bool(v, "untagged"));
        }

        String vids() {
            return first == last ? Integer.toString(first) : first + "-" + last;
        }

        String flags() {
            return ((pvid ? "PVID " : "") + (untagged ? "Egress Untagged" : "")).strip();
        }
    }

    /** Sorts nothing (the kernel's order is kept) and merges ranges that touch and carry the same flags. */
    static List<VlanRange> collapse(List<Object> vlans) {
        List<VlanRange> out = new ArrayList<>();
        for (Object o : vlans) {
            VlanRange r = VlanRange.parse(Values.map(o));
            VlanRange prev = out.isEmpty() ? null : out.get(out.size() - 1);
            if (prev != null && prev.last() + 1 == r.first() && prev.pvid() == r.pvid() && prev.untagged() == r.untagged()
                    && !r.pvid()) {
                out.set(out.size() - 1, new VlanRange(prev.first(), r.last(), prev.pvid(), prev.untagged()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    static Table table(List<Object> links, boolean showEmpty, boolean wide, Terminal t) {
        List<Column> columns = new ArrayList<>(List.of(Column.of("PORT"), Column.of("MASTER"), Column.of("VLAN-ID"),
                Column.of("FLAGS")));
        if (wide) {
            columns.addAll(List.of(Column.of("KIND"), Column.of("MTU"), Column.of("STATE").painted(t::status)));
        }
        Table table = new Table(columns);
        for (Object o : links) {
            Map<String, Object> link = Values.map(o);
            List<VlanRange> ranges = collapse(Values.list(link.get("vlans")));
            if (ranges.isEmpty() && !showEmpty) {
                continue;
            }
            String master = Values.text(link, "master");
            boolean first = true;
            for (VlanRange r : ranges.isEmpty() ? java.util.Arrays.asList((VlanRange) null) : ranges) {
                List<String> cells = new ArrayList<>(List.of(first ? Values.text(link, "name") : "",
                        first ? (master.isEmpty() ? "-" : master) : "", r == null ? "-" : r.vids(),
                        r == null ? "" : r.flags()));
                if (wide) {
                    cells.addAll(first ? List.of(Values.text(link, "kind"), Values.text(link, "mtu"),
                            Values.text(link, "operState")) : List.of("", "", ""));
                }
                table.row(cells.toArray(String[]::new));
                first = false;
            }
        }
        return table;
    }
}
