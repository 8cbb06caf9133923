package io.vmnetd.cli;

import io.vmnetd.cli.http.HttpResponse;
import io.vmnetd.cli.http.UnixHttpClient;
import io.vmnetd.cli.json.Json;
import io.vmnetd.cli.json.Values;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * The daemon's API as vmnetctl uses it: each call returns the parsed JSON of a 2xx answer, or throws a
 * {@link CliError} that says in one line what went wrong and what to do about it.
 */
public final class DaemonClient {
    private final UnixHttpClient http;

    public DaemonClient(UnixHttpClient http) {
        this.http = http;
    }

    /** GET of a JSON endpoint. */
    public Object get(String path) {
        return json(send(() -> http.get(path)));
    }

    /** GET of a text endpoint (/metrics). */
    public String getText(String path) {
        return checked(send(() -> http.get(path))).body();
    }

    /** POST, answered with the raw response so that a caller can read a 400's problems itself. */
    public HttpResponse post(String path, String contentType, byte[] body) {
        return send(() -> http.post(path, contentType, body));
    }

    private interface Exchange {
        HttpResponse run() throws IOException;
    }

    private HttpResponse send(Exchange exchange) {
        try {
            return exchange.run();
        } catch (UnixHttpClient.ConnectFailed e) {
            throw connectError(e);
        } catch (IOException e) {
            throw new CliError(ExitCode.ERROR, "talking to vmnetd on " + http.socket() + " failed: " + e.getMessage());
        }
    }

    /** A 2xx answer parsed as JSON. */
    public Object json(HttpResponse response) {
        return parse(checked(response));
    }

    /** The answer itself when 2xx, else the error that its status stands for. */
    public HttpResponse checked(HttpResponse response) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return response;
        }
        String message = errorMessage(response);
        throw switch (status) {
            case 403 -> new CliError(ExitCode.PERMISSION, "vmnetd refused: " + message);
            case 404 -> new CliError(ExitCode.NOT_FOUND, message);
            case 503 -> new CliError(ExitCode.NOT_READY, "vmnetd is not ready: " + message);
            default -> new CliError(status >= 500 ? ExitCode.ERROR : ExitCode.USAGE,
                    "vmnetd answered " + status + ": " + message);
        };
    }

    /** The "error" member of an error answer, else its body. */
    static String errorMessage(HttpResponse response) {
        try {
            String error = Values.text(Values.map(Json.parse(response.body())), "error");
            if (!error.isEmpty()) {
                return error;
            }
        } catch (IllegalArgumentException notJson) {
            // fall through to the raw body
        }
        return response.body().strip();
    }

    private Object parse(HttpResponse response) {
        try {
            return Json.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new CliError(ExitCode.ERROR, "vmnetd answered something that is not JSON: " + e.getMessage());
        }
    }

    private CliError connectError(UnixHttpClient.ConnectFailed e) {
        Path socket = http.socket();
        String why = String.valueOf(e.getMessage());
        if (why.contains("Permission denied")) {
            return new CliError(ExitCode.PERMISSION, "permission denied on " + socket + ": " + whoMay(socket));
        }
        if (e.getCause() instanceof ConnectException) {
            return new CliError(ExitCode.NOT_RUNNING, "vmnetd is not running: nothing accepts connections on "
                    + socket + " (systemctl start vmnetd; systemctl status vmnetd says why it stopped)");
        }
        if (!Files.exists(socket)) {
            return new CliError(ExitCode.NO_SOCKET, "no vmnetd socket at " + socket
                    + ": vmnetd is not running (systemctl status vmnetd), or --socket/VMNETD_SOCKET should name another path");
        }
        return new CliError(ExitCode.ERROR, "cannot connect to " + socket + ": " + why);
    }

    /** Who may use the socket: root and its group, read from the socket file when possible. */
    static String whoMay(Path socket) {
        String group;
        try {
            group = Files.readAttributes(socket, PosixFileAttributes.class).group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "run vmnetctl as root, or as a member of the group that socketGroup in /etc/vmnetd/vmnetd.yaml names";
        }
        if (group.equals("root")) {
            return "only root may use it (socketGroup in /etc/vmnetd/vmnetd.yaml names a group that may too)";
        }
        String user = System.getProperty("user.name", "USER");
        return "run vmnetctl as root or join group '" + group + "' (usermod -aG " + group + " " + user
                + ", then log in again)";
    }
}
