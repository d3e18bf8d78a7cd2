package aplab.notebook;

import java.io.File;
import java.nio.file.Path;
import org.approvaltests.namer.ApprovalNamer;

/** Puts a notebook's approved and received files flat in golden/: NAME.approved.md, NAME.received.md. */
final class GoldenNamer implements ApprovalNamer {
    private final Path dir;
    private final String name;

    GoldenNamer(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    @Override
    public File getApprovedFile(String extensionWithDot) {
        return dir.resolve(name + ".approved" + extensionWithDot).toFile();
    }

    @Override
    public File getReceivedFile(String extensionWithDot) {
        return dir.resolve(name + ".received" + extensionWithDot).toFile();
    }

    @Override
    public ApprovalNamer addAdditionalInformation(String info) {
        return this;
    }

    @Override
    public String getAdditionalInformation() {
        return "";
    }

    @Override
    public String getApprovalName() {
        return name;
    }

    @Override
    public String getSourceFilePath() {
        return dir.toString() + File.separator;
    }
}
