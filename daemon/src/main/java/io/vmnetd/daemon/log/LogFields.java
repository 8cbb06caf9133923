package io.vmnetd.daemon.log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Journal fields for one log event, beyond MESSAGE and PRIORITY: which network, which port, which container it is
 * about, so that {@code journalctl -u vmnetd VMNETD_NETWORK=data} finds them. They travel as the event's one
 * parameter; the line formatter ignores them, the journal handler writes them as fields.
 */
public final class LogFields {
    /** The cluster network (data, mgmt...). */
    public static final String NETWORK = "VMNETD_NETWORK";
    /** The VM network a CNI call names (or the netconf's name when it names a bridge). */
    public static final String VM_NETWORK = "VMNETD_VM_NETWORK";
    /** A VM port's host-side link (vmn...). */
    public static final String PORT = "VMNETD_PORT";
    /** The CNI container ID. */
    public static final String CONTAINER = "VMNETD_CONTAINER_ID";
    /** The interface name inside the container. */
    public static final String IFNAME = "VMNETD_IFNAME";
    /** The CNI command. */
    public static final String CNI_COMMAND = "VMNETD_CNI_COMMAND";
    /** The kind of drift a step repaired (the metric label of vmnetd_drift_repairs_total). */
    public static final String DRIFT = "VMNETD_DRIFT";

    private final Map<String, String> fields;

    private LogFields(Map<String, String> fields) {
        this.fields = fields;
    }

    public static LogFields of(String field, String value) {
        return new LogFields(Map.of()).with(field, value);
    }

    /** These fields and {@code field}; a null or empty value leaves the field out. */
    public LogFields with(String field, String value) {
        Map<String, String> more = new LinkedHashMap<>(fields);
        if (value != null && !value.isEmpty()) {
            more.put(field, value);
        }
        return new LogFields(Collections.unmodifiableMap(more));
    }

    public Map<String, String> fields() {
        return fields;
    }

    /** Logs {@code message} at {@code level} with these fields. */
    public void log(Logger logger, Level level, String message) {
        if (logger.isLoggable(level)) {
            LogRecord record = new LogRecord(level, message);
            record.setLoggerName(logger.getName());
            record.setParameters(new Object[] {this});
            logger.log(record);
        }
    }

    /** The fields a record carries, if any. */
    static Map<String, String> of(LogRecord record) {
        Object[] p = record.getParameters();
        return p != null && p.length == 1 && p[0] instanceof LogFields f ? f.fields : Map.of();
    }

    /** True for a record whose parameters are only fields, whose message is then not a MessageFormat pattern. */
    static boolean carriesFields(LogRecord record) {
        Object[] p = record.getParameters();
        return p != null && p.length == 1 && p[0] instanceof LogFields;
    }
}
