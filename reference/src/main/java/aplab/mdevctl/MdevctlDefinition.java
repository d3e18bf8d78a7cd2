package aplab.mdevctl;

import aplab.snapshot.LoadException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * mdevctl's JSON definition of a mediated device (mdevctl/src/mdev.rs): {@code mdev_type},
 * {@code start} ({@code auto}; any other value but null is read as {@code manual}) and
 * {@code attrs}, a list of one-field objects
 * that mdevctl writes in order to the device's sysfs attributes when it starts the device:
 *
 * <pre>
 * {
 *   "mdev_type": "vfio_ap-passthrough",
 *   "start": "auto",
 *   "attrs": [
 *     {
 *       "assign_adapter": "5"
 *     },
 *     {
 *       "assign_domain": "0x47"
 *     }
 *   ]
 * }
 * </pre>
 *
 * <p>Three shapes are read: one definition (a file of {@code /etc/mdevctl.d/PARENT/UUID}, or a
 * {@code --jsonfile}), {@code {"UUID": definition}}, and {@code mdevctl list --dumpjson}'s
 * {@code [{"PARENT": [{"UUID": definition}, ...]}]}. mdevctl's own checks are applied with its
 * words; every problem names the file and line. {@link #toJson} writes mdevctl's pretty form.
 */
public final class MdevctlDefinition {
    private MdevctlDefinition() {
    }

    /** One attribute write: name, value, and the line of the file it came from. */
    public record Attr(String name, String value, int line) {
    }

    /** One device: UUID, parent, type, start mode and attributes. */
    public record Device(String uuid, String parent, String mdevType, String start, List<Attr> attrs, int line) {
        public boolean autostart() {
            return "auto".equals(start);
        }
    }

    static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * A UUID as mdevctl's command line takes it (uuid::Uuid::parse_str: hyphenated, or the 32 hex
     * digits alone), in its hyphenated lower-case form; null if it is not one.
     */
    public static String uuidOrNull(String text) {
        String t = text.trim();
        if (t.matches("[0-9a-fA-F]{32}")) {
            t = t.substring(0, 8) + "-" + t.substring(8, 12) + "-" + t.substring(12, 16) + "-" + t.substring(16, 20) + "-" + t.substring(20);
        }
        return UUID.matcher(t).matches() ? t.toLowerCase(Locale.ROOT) : null;
    }

    // ---------------------------------------------------------------- a JSON tree with line numbers

    /** A JSON value and the line it starts on. */
    private record Node(JsonToken kind, String text, int line, Map<String, Node> fields, List<Node> items) {
        boolean isObject() {
            return kind == JsonToken.START_OBJECT;
        }

        boolean isArray() {
            return kind == JsonToken.START_ARRAY;
        }

        boolean isString() {
            return kind == JsonToken.VALUE_STRING;
        }

        boolean isNull() {
            return kind == JsonToken.VALUE_NULL;
        }

        String shown() {
            return switch (kind) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "\"" + text + "\"";
                default -> text;
            };
        }
    }

    private static Node readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        int line = p.currentTokenLocation().getLineNr();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> fields = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                fields.put(name, readValue(p));
            }
            return new Node(t, null, line, fields, null);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                items.add(readValue(p));
            }
            return new Node(t, null, line, null, items);
        }
        return new Node(t, p.getText(), line, null, null);
    }

    private static Node parseJson(String file, String text) throws LoadException {
        try (JsonParser p = new JsonFactory().createParser(text)) {
            if (p.nextToken() == null) {
                throw new LoadException(file, 0, "empty: no JSON");
            }
            Node n = readValue(p);
            if (p.nextToken() != null) {
                throw new LoadException(file, p.currentTokenLocation().getLineNr(), "more JSON after the first value");
            }
            return n;
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw new LoadException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
        } catch (IOException e) {
            throw new LoadException(file, 0, "cannot read JSON: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads the devices of a file. A bare definition needs a UUID: {@code uuid}, else the file's
     * name if it is one (as in /etc/mdevctl.d/matrix/UUID); its parent is {@code parent}, else the
     * directory's name in that layout, else {@code matrix}.
     */
    public static List<Device> read(Path file, String uuid, String parent) throws LoadException {
        String name = file.toString();
        String text = aplab.transcript.TextFile.read(file, (f, why) -> new LoadException(f, 0, why));
        String fileName = file.getFileName() == null ? "" : file.getFileName().toString();
        String dirName = file.toAbsolutePath().getParent() == null || file.toAbsolutePath().getParent().getFileName() == null
                ? null : file.toAbsolutePath().getParent().getFileName().toString();
        String u = uuid;
        String par = parent;
        if (u == null && UUID.matcher(fileName).matches()) {
            u = fileName;
            if (par == null) {
                par = dirName;
            }
        }
        return parse(name, text, u, par == null ? "matrix" : par);
    }

    /** Parses JSON text (see {@link #read}). */
    public static List<Device> parse(String file, String text, String uuid, String parent) throws LoadException {
        Node root = parseJson(file, text);
        List<Device> out = new ArrayList<>();
        if (root.isArray()) {
            // mdevctl list --dumpjson: [ { "PARENT": [ { "UUID": {definition} } ] } ]
            for (Node parents : root.items()) {
                if (!parents.isObject()) {
                    throw new LoadException(file, parents.line(), "a list --dumpjson entry must be an object of parents, not " + parents.shown());
                }
                for (Map.Entry<String, Node> pe : parents.fields().entrySet()) {
                    if (!pe.getValue().isArray()) {
                        throw new LoadException(file, pe.getValue().line(), "parent \"" + pe.getKey() + "\" must list its devices in an array");
                    }
                    for (Node dev : pe.getValue().items()) {
                        byUuid(file, dev, pe.getKey(), out);
                    }
                }
            }
        } else if (root.isObject() && !root.fields().isEmpty()
                && root.fields().keySet().stream().allMatch(k -> UUID.matcher(k).matches())) {
            byUuid(file, root, parent, out);
        } else if (root.isObject()) {
            if (uuid == null) {
                throw new LoadException(file, root.line(), "a definition without its UUID: give --uuid (or name the file by "
                        + "the UUID, as /etc/mdevctl.d/matrix/UUID)");
            }
            if (!UUID.matcher(uuid).matches()) {
                throw new LoadException(file, 0, "'" + uuid + "' is not a UUID");
            }
            out.add(definition(file, root, uuid.toLowerCase(Locale.ROOT), parent));
        } else {
            throw new LoadException(file, root.line(), "an mdevctl definition is a JSON object, not " + root.shown());
        }
        if (out.isEmpty()) {
            throw new LoadException(file, root.line(), "no device definitions in it");
        }
        return out;
    }

    private static void byUuid(String file, Node obj, String parent, List<Device> out) throws LoadException {
        if (!obj.isObject()) {
            throw new LoadException(file, obj.line(), "expected {\"UUID\": definition}, not " + obj.shown());
        }
        for (Map.Entry<String, Node> e : obj.fields().entrySet()) {
            if (!UUID.matcher(e.getKey()).matches()) {
                throw new LoadException(file, e.getValue().line(), "\"" + e.getKey() + "\" is not a UUID");
            }
            out.add(definition(file, e.getValue(), e.getKey().toLowerCase(Locale.ROOT), parent));
        }
    }

    /** mdevctl's MDev::load_from_json and add_attributes, with their error texts. */
    private static Device definition(String file, Node def, String uuid, String parent) throws LoadException {
        String refuse = "mdevctl refuses this definition: ";
        if (!def.isObject()) {
            throw new LoadException(file, def.line(), refuse + "invalid json (a definition is an object, not " + def.shown() + ")");
        }
        Node type = def.fields().get("mdev_type");
        Node start = def.fields().get("start");
        if (type == null || type.isNull() || start == null || start.isNull()) {
            throw new LoadException(file, def.line(), refuse + "invalid json (\"mdev_type\" and \"start\" are required)");
        }
        if (!type.isString()) {
            throw new LoadException(file, type.line(), refuse + "\"mdev_type\" must be a string, not " + type.shown()
                    + " (mdevctl itself panics: as_str().unwrap())");
        }
        // load_from_json: autostart = matches!(json["start"].as_str(), Some("auto")); any other value
        // that is not null ("start": 1, "start": "AUTO", "start": true) is read as manual, silently
        String startMode = start.isString() && start.text().equals("auto") ? "auto" : "manual";
        List<Attr> attrs = new ArrayList<>();
        Node a = def.fields().get("attrs");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) {
                throw new LoadException(file, a.line(), refuse + "attributes field is not an array");
            }
            for (Node attr : a.items()) {
                if (!attr.isObject()) {
                    throw new LoadException(file, attr.line(), refuse + "invalid JSON format for attribute: not an object");
                }
                if (attr.fields().size() != 1) {
                    throw new LoadException(file, attr.line(), refuse + "invalid JSON format for attribute: too many fields ("
                            + attr.fields().size() + "; each attribute is one {\"name\": \"value\"})");
                }
                Map.Entry<String, Node> kv = attr.fields().entrySet().iterator().next();
                if (!kv.getValue().isString()) {
                    throw new LoadException(file, kv.getValue().line(), refuse + "invalid JSON format for attribute {\""
                            + kv.getKey() + "\", " + kv.getValue().shown() + "}: value must be of type str");
                }
                attrs.add(new Attr(kv.getKey(), kv.getValue().text(), attr.line()));
            }
        }
        return new Device(uuid, parent, type.text(), startMode, List.copyOf(attrs), def.line());
    }

    // ---------------------------------------------------------------- writing

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** serde_json's to_string_pretty layout: two-blank indent, "key": value, [] when empty. */
    private static String pretty(JsonNode n) {
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("").withObjectEmptySeparator(""));
        pp.indentArraysWith(indent);
        pp.indentObjectsWith(indent);
        try {
            return MAPPER.writer(pp).writeValueAsString(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode node(Device d) {
        ObjectNode def = MAPPER.createObjectNode();
        def.put("mdev_type", d.mdevType());
        def.put("start", d.start());
        ArrayNode attrs = def.putArray("attrs");
        for (Attr a : d.attrs()) {
            attrs.addObject().put(a.name(), a.value());
        }
        return def;
    }

    /** One definition as mdevctl stores it in /etc/mdevctl.d/PARENT/UUID. */
    public static String toJson(Device d) {
        return pretty(node(d));
    }

    /** Devices as {@code mdevctl list --dumpjson} prints them ({@code []} if none). */
    public static String toListJson(List<Device> devices) {
        ArrayNode root = MAPPER.createArrayNode();
        if (!devices.isEmpty()) {
            Map<String, ArrayNode> parents = new LinkedHashMap<>();
            ObjectNode byParent = root.addObject();
            for (Device d : devices) {
                ArrayNode list = parents.computeIfAbsent(d.parent(), byParent::putArray);
                list.addObject().set(d.uuid(), node(d));
            }
        }
        return pretty(root);
    }

    /** {@code mdevctl list -d -v}'s text for devices. */
    public static List<String> toText(List<Device> devices) {
        List<String> out = new ArrayList<>();
        for (Device d : devices) {
            out.add(d.uuid() + " " + d.parent() + " " + d.mdevType() + " " + (d.autostart() ? "auto" : "manual"));
            if (!d.attrs().isEmpty()) {
                out.add("  Attrs:");
                for (int i = 0; i < d.attrs().size(); i++) {
                    Attr a = d.attrs().get(i);
                    out.add("    @{" + i + "}: {\"" + a.name() + "\":\"" + a.value() + "\"}");
                }
            }
        }
        return out;
    }
}
