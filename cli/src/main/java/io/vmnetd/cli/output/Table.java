package io.vmnetd.cli.output;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An aligned table in the style of kubectl and {@code ip -br}: upper-case headers, columns three spaces apart, no
 * borders. When the terminal is narrower than the table, the columns marked {@code shrinkable} give up width (the
 * widest first) and their cells are cut with an ellipsis; output to a pipe is never cut.
 */
public final class Table {
    private static final String GAP = "   ";
    private static final int MIN_WIDTH = 8;

    /** A column; {@code paint} colours a cell's (already cut) text. */
    public record Column(String header, boolean shrinkable, UnaryOperator<String> paint) {
        public static Column of(String header) {
            return new Column(header, false, UnaryOperator.identity());
        }

        public Column shrinking() {
            return new Column(header, true, paint);
        }

        public Column painted(UnaryOperator<String> how) {
            return new Column(header, shrinkable, how);
        }
    }

    private final List<Column> columns;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    public Table row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + columns.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (String c : cells) {
            row.add(c == null ? "" : oneLine(c));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table as lines, each ending in a newline; without headers when {@code headers} is false. */
    public String render(Terminal terminal, boolean headers) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers ? columns.get(i).header().length() : 0;
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        fit(widths, terminal.width());
        StringBuilder out = new StringBuilder();
        if (headers) {
            List<String> header = new ArrayList<>();
            columns.forEach(c -> header.add(c.header()));
            line(out, header, widths, terminal, true);
        }
        for (List<String> row : rows) {
            line(out, row, widths, terminal, false);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] widths, Terminal terminal, boolean header) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String text = cut(cells.get(i), widths[i], terminal);
            boolean last = i == cells.size() - 1;
            String shown = header ? terminal.bold(text) : columns.get(i).paint().apply(text);
            line.append(shown);
            if (!last) {
                line.append(" ".repeat(widths[i] - text.length())).append(GAP);
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /** Narrows shrinkable columns, widest first, until the table fits {@code width} (0: no limit). */
    private void fit(int[] widths, int width) {
        if (width <= 0) {
            return;
        }
        while (total(widths) > width) {
            int widest = -1;
            for (int i = 0; i < widths.length; i++) {
                if (columns.get(i).shrinkable() && widths[i] > MIN_WIDTH && (widest < 0 || widths[i] > widths[widest])) {
                    widest = i;
                }
            }
            if (widest < 0) {
                return; // as narrow as it gets; the terminal wraps the rest
            }
            widths[widest] = Math.max(MIN_WIDTH, widths[widest] - (total(widths) - width));
        }
    }

    private static int total(int[] widths) {
        int sum = GAP.length() * (widths.length - 1);
        for (int w : widths) {
            sum += w;
        }
        return sum;
    }

    private static String cut(String text, int width, Terminal terminal) {
        return text.length() <= width ? text : text.substring(0, width - 1) + terminal.ellipsis();
    }

    /** Control characters from the daemon (a container ID, say) must not move the cursor. */
    private static String oneLine(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            s.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return s.toString();
    }
}
