package io.vmnetd.daemon.config;

import io.vmnetd.netlink.VidRange;

import io.vmnetd.daemon.config.LocatedNode.Location;
import io.vmnetd.daemon.config.LocatedNode.Mapping;
import io.vmnetd.daemon.config.LocatedNode.Sequence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Validates the {@code trunk} list of a VM network: each entry is {@code {id}} or {@code {min, max}}. */
final class TrunkValidator {

    static final IntRange VID = new IntRange(io.vmnetd.netlink.Arguments.MIN_VID, io.vmnetd.netlink.Arguments.MAX_VID);
    static final String ENTRY_RULE = "{id: VID} or {min: VID, max: VID}, VIDs " + VID;

    private static final List<String> ENTRY_KEYS = List.of("id", "min", "max");

    private record TrunkEntry(VidRange vids, int index, String path, Location location) {
    }

    private final NodeValues values;
    private final Problems problems;

    TrunkValidator(NodeValues values) {
        this.values = values;
        this.problems = values.problems();
    }

    /** The VID ranges in file order, or empty if anything about them is wrong (already reported). */
    Optional<List<VidRange>> read(LocatedNode node, String path) {
        Optional<Sequence> list = values.list(node, path);
        if (list.isEmpty()) {
            return Optional.empty();
        }
        int problemsBefore = problems.count();
        List<TrunkEntry> entries = new ArrayList<>();
        for (int i = 0; i < list.get().items().size(); i++) {
            int index = i;
            LocatedNode item = list.get().items().get(i);
            String itemPath = Problems.item(path, i);
            readEntry(item, itemPath)
                    .ifPresent(vids -> entries.add(new TrunkEntry(vids, index, itemPath, item.location())));
        }
        reportOverlaps(entries);
        if (problems.count() != problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(entries.stream().map(TrunkEntry::vids).toList());
    }

    private Optional<VidRange> readEntry(LocatedNode item, String path) {
        if (!(item instanceof Mapping)) {
            problems.add(item.location(), path, "expected " + ENTRY_RULE + ", got " + item.describe());
            return Optional.empty();
        }
        Optional<MappingFields> maybeFields = MappingFields.of(item, path, values, ENTRY_KEYS);
        if (maybeFields.isEmpty()) {
            return Optional.empty();
        }
        MappingFields fields = maybeFields.get();
        boolean single = fields.has("id");
        boolean range = fields.has("min") || fields.has("max");
        if (single == range) {
            String problem = single ? "either a single VID or a range, not both" : "neither id nor min and max given";
            problems.add(fields.location(), path, problem + "; allowed: " + ENTRY_RULE);
            return Optional.empty();
        }
        if (single) {
            OptionalInt id = fields.integer("id", VID);
            return id.isPresent() ? Optional.of(VidRange.of(id.getAsInt())) : Optional.empty();
        }
        fields.requirePresent("min", VID.toString());
        fields.requirePresent("max", VID.toString());
        OptionalInt min = fields.integer("min", VID);
        OptionalInt max = fields.integer("max", VID);
        if (min.isEmpty() || max.isEmpty()) {
            return Optional.empty();
        }
        if (min.getAsInt() > max.getAsInt()) {
            problems.add(fields.location(), path, "min " + min.getAsInt() + " is greater than max " + max.getAsInt()
                    + "; write the range low to high");
            return Optional.empty();
        }
        return Optional.of(new VidRange(min.getAsInt(), max.getAsInt()));
    }

    /**
     * Sorted by start, an entry overlaps an earlier one exactly when it starts before the furthest end so far.
     * The problem goes to whichever of the two was written later, naming the other.
     */
    private void reportOverlaps(List<TrunkEntry> entries) {
        List<TrunkEntry> byStart = new ArrayList<>(entries);
        byStart.sort(Comparator.comparingInt((TrunkEntry entry) -> entry.vids().first())
                .thenComparingInt(TrunkEntry::index));
        TrunkEntry furthest = null;
        for (TrunkEntry entry : byStart) {
            if (furthest != null && entry.vids().overlaps(furthest.vids())) {
                TrunkEntry later = entry.index() > furthest.index() ? entry : furthest;
                TrunkEntry earlier = later == entry ? furthest : entry;
                String vids = later.vids().isSingle()
                        ? "VID " + later.vids() + " overlaps "
                        : "VIDs " + later.vids() + " overlap ";
                problems.add(later.location(), later.path(),
                        vids + "trunk[" + earlier.index() + "] (" + earlier.vids() + ")");
            }
            if (furthest == null || entry.vids().last() > furthest.vids().last()) {
                furthest = entry;
            }
        }
    }
}
