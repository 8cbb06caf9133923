package io.vmnetd.cli.output;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the output may do on this terminal: colours only when stdout is a terminal, {@code NO_COLOR} is unset or
 * empty (https://no-color.org) and {@code TERM} is not "dumb"; tables fitted to {@code COLUMNS}, else the terminal's
 * width, and never cut when the output goes to a pipe or file.
 */
public record Terminal(boolean colour, int width, boolean unicode) {
    /** No colours, no width limit: what a pipe gets. */
    public static final Terminal PLAIN = new Terminal(false, 0, false);

    public static Terminal detect() {
        boolean tty = System.console() != null;
        String noColor = System.getenv("NO_COLOR");
        String term = System.getenv("TERM");
        boolean colour = tty && (noColor == null || noColor.isEmpty()) && term != null && !term.equals("dumb");
        boolean unicode = String.valueOf(System.getProperty("native.encoding")).toUpperCase().contains("UTF-8");
        return new Terminal(colour, tty ? detectWidth() : 0, unicode);
    }

    /** COLUMNS when set, else what {@code stty size} says of the controlling terminal; 0 when unknown. */
    private static int detectWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("[1-9][0-9]{0,4}")) {
            return Integer.parseInt(columns);
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (stty.waitFor(2, TimeUnit.SECONDS) && out.matches("[0-9]+ [0-9]+")) {
                return Integer.parseInt(out.substring(out.indexOf(' ') + 1));
            }
        } catch (IOException e) {
            // no stty or no terminal: no limit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code text} in bold when colours are on. */
    public String bold(String text) {
        return paint("1", text);
    }

    public String green(String text) {
        return paint("32", text);
    }

    public String yellow(String text) {
        return paint("33", text);
    }

    public String red(String text) {
        return paint("31", text);
    }

    /** A value that reads as good, bad or pending, coloured accordingly; others unchanged. */
    public String status(String text) {
        return switch (text) {
            case "ok", "yes", "READY", "up", "UP", "+" -> green(text);
            case "degraded", "error", "no", "FAILED", "down", "DOWN", "-", "!" -> red(text);
            case "PENDING", "not ready", "~" -> yellow(text);
            default -> text;
        };
    }

    private String paint(String sgr, String text) {
        return colour && !text.isEmpty() ? "\033[" + sgr + "m" + text + "\033[0m" : text;
    }

    /** The character that marks a cut cell. */
    String ellipsis() {
        return unicode ? "\u2026" : "~";
    }
}
