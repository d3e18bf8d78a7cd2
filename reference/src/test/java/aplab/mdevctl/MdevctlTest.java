package aplab.mdevctl;

import static aplab.snapshot.RealHostFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import aplab.shell.Session;
import aplab.snapshot.LoadException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mdevctl definitions: reading (mdevctl's checks, with lines), writing (mdevctl's layout), start. */
class MdevctlTest {
    @TempDir
    Path dir;

    /** mdevctl's own test data for vfio_ap (testdata/modify/auto.expected). */
    static final String AUTO = """
            {
              "mdev_type": "vfio_ap-passthrough",
              "start": "auto",
              "attrs": [
                {
                  "assign_adapter": "5"
                },
                {
                  "assign_adapter": "6"
                },
                {
                  "assign_domain": "0xab"
                },
                {
                  "assign_control_domain": "0xab"
                },
                {
                  "assign_domain": "4"
                },
                {
                  "assign_control_domain": "4"
                }
              ]
            }""";

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsWritesAndListsAsMdevctl() throws Exception {
        Path f = write("etc/mdevctl.d/matrix/" + U1, AUTO);
        List<MdevctlDefinition.Device> d = MdevctlDefinition.read(f, null, null);
        assertThat(d).hasSize(1);
        assertThat(d.get(0).uuid()).isEqualTo(U1);
        assertThat(d.get(0).parent()).isEqualTo("matrix");
        assertThat(d.get(0).attrs()).extracting(MdevctlDefinition.Attr::line).containsExactly(5, 8, 11, 14, 17, 20);
        assertThat(MdevctlDefinition.toJson(d.get(0))).isEqualTo(AUTO);
        assertThat(MdevctlDefinition.toText(d)).containsExactly(U1 + " matrix vfio_ap-passthrough auto", "  Attrs:",
                "    @{0}: {\"assign_adapter\":\"5\"}", "    @{1}: {\"assign_adapter\":\"6\"}",
                "    @{2}: {\"assign_domain\":\"0xab\"}", "    @{3}: {\"assign_control_domain\":\"0xab\"}",
                "    @{4}: {\"assign_domain\":\"4\"}", "    @{5}: {\"assign_control_domain\":\"4\"}");
        // list --dumpjson reads back to the same devices
        Path list = write("list.json", MdevctlDefinition.toListJson(d));
        assertThat(Files.readString(list)).startsWith("[\n  {\n    \"matrix\": [\n      {\n        \"" + U1 + "\": {\n");
        assertThat(MdevctlDefinition.read(list, null, null)).isEqualTo(List.of(new MdevctlDefinition.Device(U1, "matrix",
                "vfio_ap-passthrough", "auto", d.get(0).attrs().stream().map(a -> new MdevctlDefinition.Attr(a.name(), a.value(),
                        a.line() + 4)).toList(), 5)));
        assertThat(MdevctlDefinition.toListJson(List.of())).isEqualTo("[]");
        // {"UUID": definition}
        assertThat(MdevctlDefinition.parse("x", "{\"" + U2 + "\": " + AUTO + "}", null, "matrix").get(0).uuid()).isEqualTo(U2);
    }

    private String error(String json) {
        try {
            MdevctlDefinition.parse("def.json", json, U1, "matrix");
            throw new AssertionError("accepted: " + json);
        } catch (LoadException e) {
            return e.oneLine();
        }
    }

    @Test
    void malformedDefinitionsNameFileAndLine() {
        assertThat(error("{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"attrs\": []\n}"))
                .isEqualTo("def.json:1: mdevctl refuses this definition: invalid json (\"mdev_type\" and \"start\" are required)");
        assertThat(error("{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"auto\",\n  \"attrs\": {\"assign_adapter\": \"5\"}\n}"))
                .isEqualTo("def.json:4: mdevctl refuses this definition: attributes field is not an array");
        assertThat(error("{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\",\n \"attrs\": [\n  \"assign_adapter=5\"\n]}"))
                .isEqualTo("def.json:3: mdevctl refuses this definition: invalid JSON format for attribute: not an object");
        assertThat(error("{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\",\n \"attrs\": [\n\n  {\"assign_adapter\": \"5\", \"assign_domain\": \"4\"}\n]}"))
                .isEqualTo("def.json:4: mdevctl refuses this definition: invalid JSON format for attribute: too many fields (2; "
                        + "each attribute is one {\"name\": \"value\"})");
        assertThat(error("{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\",\n \"attrs\": [\n  {\"assign_adapter\": 5}\n]}"))
                .isEqualTo("def.json:3: mdevctl refuses this definition: invalid JSON format for attribute {\"assign_adapter\", 5}: "
                        + "value must be of type str");
        assertThat(error("{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"auto\"\n  \"attrs\": []\n}"))
                .startsWith("def.json:4: not valid JSON: Unexpected character ('\"' (code 34)): was expecting comma");
        assertThat(error("[1, 2]")).isEqualTo("def.json:1: a list --dumpjson entry must be an object of parents, not 1");
        assertThat(error("\"x\"")).isEqualTo("def.json:1: an mdevctl definition is a JSON object, not \"x\"");
        assertThat(error("")).isEqualTo("def.json: empty: no JSON");
        assertThat(error("{} {}")).isEqualTo("def.json:1: more JSON after the first value");
        assertThatThrownBy(() -> MdevctlDefinition.parse("d.json", AUTO, null, "matrix")).isInstanceOf(LoadException.class)
                .hasMessageContaining("a definition without its UUID: give --uuid");
    }

    private static Session host() {
        return session("aplab host --adapters 5,6 --domains 4,0x47,0xab", "echo -5,-6 > /sys/bus/ap/apmask");
    }

    @Test
    void startAppliesTheAttributesInOrder() throws Exception {
        Session s = host();
        MdevctlDefinition.Device d = MdevctlDefinition.parse("d", AUTO, U1, "matrix").get(0);
        MdevctlStart.Result r = MdevctlStart.start(s, List.of(), d);
        assertThat(r.status()).isZero();
        assertThat(r.mdevctl()).isEmpty();
        assertThat(r.writes()).extracting(MdevctlStart.Write::command).containsExactly(
                "echo -n " + U1 + " > /sys/class/mdev_bus/matrix/mdev_supported_types/vfio_ap-passthrough/create",
                "echo -n 5 > /sys/bus/mdev/devices/" + U1 + "/assign_adapter",
                "echo -n 6 > /sys/bus/mdev/devices/" + U1 + "/assign_adapter",
                "echo -n 0xab > /sys/bus/mdev/devices/" + U1 + "/assign_domain",
                "echo -n 0xab > /sys/bus/mdev/devices/" + U1 + "/assign_control_domain",
                "echo -n 4 > /sys/bus/mdev/devices/" + U1 + "/assign_domain",
                "echo -n 4 > /sys/bus/mdev/devices/" + U1 + "/assign_control_domain");
        assertThat(s.execute("cat /sys/bus/mdev/devices/" + U1 + "/guest_matrix"))
                .containsExactly("05.0004", "05.00ab", "06.0004", "06.00ab");
        // the model's mdev as a definition, and again the same matrix from it
        MdevctlDefinition.Device back = MdevctlStart.fromModel(s.host(), U1, true);
        Session s2 = host();
        assertThat(MdevctlStart.start(s2, List.of(), new MdevctlDefinition.Device(U2, "matrix", back.mdevType(), back.start(),
                back.attrs(), 0)).status()).isZero();
        assertThat(s2.execute("cat /sys/devices/vfio_ap/matrix/" + U2 + "/matrix"))
                .isEqualTo(s.execute("cat /sys/bus/mdev/devices/" + U1 + "/matrix"));
        // starting it again: it exists
        MdevctlStart.Result again = MdevctlStart.start(s, List.of(), d);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.mdevctl()).containsExactly("Error: Device already exists");
    }

    @Test
    void refusalsAsMdevctlPrintsThem() throws Exception {
        String[] base = {"aplab host --adapters 5,6 --domains 4,0x47,0xab", "echo -5,-6 > /sys/bus/ap/apmask"};
        // a domain the host drivers own: EADDRNOTAVAIL; a typo'd attribute; a wrong type and parent
        Session s = session(base);
        String json = "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": [\n"
                + "{\"assign_domain\": \"4\"},\n{\"assign_adapter\": \"7\"}\n]}";
        // with s390-tools' callout installed ap-check refuses first and nothing is created
        String before = aplab.host.HostState.withCounters(s.host());
        MdevctlStart.Result r = MdevctlStart.start(s, List.of(base), MdevctlDefinition.parse("d", json, U1, "matrix").get(0));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.mdevctl()).containsExactly(
                "ap-check: APQN 7.4 is not allowed for vfio_ap-passthrough use by the active ap bus mask settings",
                "Error: Script '\"/usr/lib/mdevctl/scripts.d/callouts/ap-check\"' failed with status '255'");
        assertThat(r.writes()).isEmpty();
        assertThat(aplab.host.HostState.withCounters(s.host())).isEqualTo(before);
        // without the callout mdevctl creates the device and the kernel refuses the write
        r = MdevctlStart.start(s, List.of(base), MdevctlDefinition.parse("d", json, U1, "matrix").get(0), false);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.mdevctl()).containsExactly("Error: Failed to write 7 to attribute assign_adapter", "", "Caused by:",
                "    Cannot assign requested address (os error 99)");
        assertThat(r.aplab()).contains("attribute 2 of 2 (line 3): 'echo -n 7 > /sys/bus/mdev/devices/" + U1
                + "/assign_adapter' failed with EADDRNOTAVAIL (Cannot assign requested address)",
                "why: vfio_ap refuses APQNs that apmask and aqmask reserve for the host drivers: 07.0004");
        assertThat(s.execute("ls /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/devices")).isEmpty();
        json = "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": [{\"assign_adaptor\": \"5\"}]}";
        r = MdevctlStart.start(s, List.of(base), MdevctlDefinition.parse("d", json, U1, "matrix").get(0));
        assertThat(r.mdevctl()).containsExactly("Error: Invalid attribute 'assign_adaptor'");
        assertThat(r.writes()).extracting(MdevctlStart.Write::command).last().asString().endsWith("/remove");
        // an attribute name that leaves the mdev's directory is refused (issue 12): apmask stays
        String apmask = s.execute("cat /sys/bus/ap/apmask").get(0);
        json = "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\", \"attrs\": [{\"../../../../bus/ap/apmask\": \"0xff\"}]}";
        r = MdevctlStart.start(s, List.of(base), MdevctlDefinition.parse("d", json, U1, "matrix").get(0));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.mdevctl()).containsExactly("Error: Invalid attribute '../../../../bus/ap/apmask'");
        assertThat(s.execute("cat /sys/bus/ap/apmask")).containsExactly(apmask);
        assertThat(s.execute("ls /sys/bus/mdev/devices")).isEmpty();
        json = "{\"mdev_type\": \"vfio_ccw-io\", \"start\": \"manual\"}";
        assertThat(MdevctlStart.start(s, null, MdevctlDefinition.parse("d", json, U1, "matrix").get(0)).mdevctl())
                .containsExactly("Error: Parent matrix does not support mdev type vfio_ccw-io");
        json = "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"manual\"}";
        // ap-check answers for any parent first (exit 1), mdevctl's own words come without the callout
        assertThat(MdevctlStart.start(s, null, MdevctlDefinition.parse("d", json, U1, "Matrix").get(0)).mdevctl())
                .containsExactly("ap-check: Invalid parent specified",
                        "Error: Script '\"/usr/lib/mdevctl/scripts.d/callouts/ap-check\"' failed with status '1'");
        assertThat(MdevctlStart.start(s, null, MdevctlDefinition.parse("d", json, U1, "Matrix").get(0), false).mdevctl())
                .containsExactly("Error: Unable to find parent device 'Matrix'. Did you mean 'matrix'?");
        assertThat(MdevctlStart.start(s, null, MdevctlDefinition.parse("d", json, U1, "0.0.0001").get(0), false).mdevctl())
                .containsExactly("Error: Unable to find parent device '0.0.0001'");
    }

    @Test
    void cli() throws Exception {
        Path host = write("host.md", "```console\n$ aplab host --adapters 5,6 --domains 4,0xab\n$ echo -5,-6 > /sys/bus/ap/apmask\n```\n");
        Path def = write("etc/mdevctl.d/matrix/" + U1, AUTO);
        Run r = aplab("mdevctl", "start", def.toString(), "--on", host.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("aplab: mdev " + U1 + " started with adapters 05,06, domains 0004,00ab, control domains 0004,00ab\n");
        r = aplab("mdevctl", "show", def.toString());
        assertThat(r.out()).startsWith(U1 + " matrix vfio_ap-passthrough auto\n  Attrs:\n");
        Path bad = write("bad.json", "{\n  \"mdev_type\": 5,\n  \"start\": \"auto\"\n}");
        r = aplab("mdevctl", "start", bad.toString(), "--uuid", U2);
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: " + bad + ":2: mdevctl refuses this definition: \"mdev_type\" must be a string, not 5"
                + " (mdevctl itself panics: as_str().unwrap())\n");
        r = aplab("mdevctl", "start", def.toString(), "--on", dir.resolve("nohost.md").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("aplab: " + dir.resolve("nohost.md") + ": no such file\n");
        r = aplab("mdevctl", "dump", host.toString(), "--mdev", U1);
        assertThat(r.status()).isEqualTo(2);
        // without --on: a fresh host, where every APQN still belongs to the host drivers
        r = aplab("mdevctl", "start", def.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).startsWith("ap-check: APQN 5.4 is not allowed for vfio_ap-passthrough use by the active ap bus"
                + " mask settings\nAPQN 5.171 is not allowed").contains("failed with status '255'");
        r = aplab("mdevctl", "start", def.toString(), "--no-callout");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("Error: Failed to write 0xab to attribute assign_domain");
    }

    @Test
    void startThatIsNotTheStringAutoIsReadAsManualAsMdevctlReadsIt() throws Exception {
        // mdev.rs load_from_json: autostart = matches!(json["start"].as_str(), Some("auto"))
        for (String start : List.of("1", "true", "\"AUTO\"", "\"manual\"", "\"bogus\"", "{}")) {
            MdevctlDefinition.Device d = MdevctlDefinition.parse("d", "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": "
                    + start + "}", U1, "matrix").get(0);
            assertThat(d.start()).as(start).isEqualTo("manual");
            assertThat(d.autostart()).as(start).isFalse();
            assertThat(MdevctlDefinition.toJson(d)).as(start).contains("\"start\": \"manual\"");
        }
        assertThat(MdevctlDefinition.parse("d", "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": \"auto\"}", U1, "matrix")
                .get(0).autostart()).isTrue();
        // null and absent are still refused
        assertThatThrownBy(() -> MdevctlDefinition.parse("d", "{\"mdev_type\": \"vfio_ap-passthrough\", \"start\": null}", U1, "matrix"))
                .hasMessageContaining("invalid json");
    }

    @Test
    void listPrintsTheBareObjectOnlyForOneDeviceNamedByUuid() throws Exception {
        Path host = write("host2.md", "```console\n$ aplab host --adapters 5,6 --domains 4\n$ echo -5,-6 > /sys/bus/ap/apmask\n"
                + "$ echo " + U1 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create\n"
                + "$ echo " + U2 + " > /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create\n"
                + "$ echo 5 > /sys/devices/vfio_ap/matrix/" + U2 + "/assign_adapter\n```\n");
        Run r = aplab("mdevctl", "list", "--dumpjson", "-u", U2, host.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("{\n  \"mdev_type\": \"vfio_ap-passthrough\",\n  \"start\": \"manual\",")
                .contains("\"assign_adapter\": \"5\"").doesNotContain(U2);
        // hyphens may be left out, as uuid::Uuid::parse_str allows
        assertThat(aplab("mdevctl", "list", "--dumpjson", "-u", U2.replace("-", ""), host.toString()).out()).isEqualTo(r.out());
        // no -u: the hierarchy, every device under its parent; an mdev with nothing assigned shows
        // no attributes (get-attributes prints [{}], which add_attributes refuses)
        r = aplab("mdevctl", "list", "--dumpjson", host.toString());
        assertThat(r.out()).startsWith("[\n  {\n    \"matrix\": [\n      {\n        \"" + U1 + "\": {")
                .contains("\"" + U2 + "\": {").contains("\"attrs\": []");
        // -u matching nothing, or another parent: []
        assertThat(aplab("mdevctl", "list", "--dumpjson", "-u", "44444444-4444-4444-4444-444444444444", host.toString()).out())
                .isEqualTo("[]\n");
        assertThat(aplab("mdevctl", "list", "--dumpjson", "-p", "0.0.0001", host.toString()).out()).isEqualTo("[]\n");
        // text, as mdevctl list prints active devices; -v adds the attributes
        assertThat(aplab("mdevctl", "list", host.toString()).lines()).containsExactly(
                U1 + " matrix vfio_ap-passthrough manual", U2 + " matrix vfio_ap-passthrough manual");
        assertThat(aplab("mdevctl", "list", "-v", "--no-callout", host.toString()).lines()).hasSize(2);
        r = aplab("mdevctl", "list", "-u", "not-a-uuid", host.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("aplab: mdevctl list: invalid UUID 'not-a-uuid'");
    }

    @Test
    void golden() throws Exception {
        assertThat(checkToolBlocks(root().resolve("golden/transcripts/real-host-mdevctl.md"), dir)).isEqualTo(6);
    }
}
