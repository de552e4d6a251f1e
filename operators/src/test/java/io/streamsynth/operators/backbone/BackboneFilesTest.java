package io.streamsynth.operators.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsynth.model.checkpoint.Sha256;
import io.streamsynth.model.train.BackboneFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backbone files through Flink's file systems: plain paths, file:// URIs, and what cannot be read. */
class BackboneFilesTest {
    @TempDir
    Path dir;

    @Test
    void aPlainPathAndItsFileUriReadTheSameBytesWithTheirSha256() throws Exception {
        byte[] content = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Path file = Files.write(dir.resolve("backbone.pt"), content);

        BackboneFile plain = BackboneFiles.read(file.toString());
        BackboneFile uri = BackboneFiles.read(file.toUri().toString());

        assertThat(plain.bytes()).containsExactly(content);
        assertThat(uri.bytes()).containsExactly(content);
        assertThat(uri.sha256()).isEqualTo(plain.sha256()).isEqualTo(Sha256.hex(content));
        assertThat(uri.source()).startsWith("file:");
    }

    @Test
    void aMissingFileIsNamed() {
        String missing = dir.resolve("gone.pt").toString();
        assertThatThrownBy(() -> BackboneFiles.read(missing)).isInstanceOf(MissingBackboneFileException.class)
                .hasMessage("backbone file " + missing + ": no such file")
                .extracting(e -> ((MissingBackboneFileException) e).uri()).isEqualTo(missing);
    }

    @Test
    void anIOErrorWhileReadingIsNotAMissingFile() throws Exception {
        Path file = Files.write(dir.resolve("backbone.pt"), new byte[] {1, 2, 3});
        FlakyFileSystem.failNextOpens(1);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> BackboneFiles.read(FlakyFileSystem.uri(file)));

        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).isNotInstanceOf(
                MissingBackboneFileException.class).hasMessageContaining("cannot read: connection reset");
        assertThat(BackboneFiles.read(FlakyFileSystem.uri(file)).bytes()).as("the next read").containsExactly(1, 2, 3);
    }

    @Test
    void aFolderIsNotABackbone() {
        assertThatThrownBy(() -> BackboneFiles.read(dir.toString())).isInstanceOf(MissingBackboneFileException.class)
                .hasMessageContaining("is a folder, not a file");
    }

    @Test
    void aSchemeWithoutAFileSystemSaysWhichPluginIsMissing() {
        assertThatThrownBy(() -> BackboneFiles.read("nosuchfs://bucket/backbone.pt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backbone file nosuchfs://bucket/backbone.pt: no file system serves its scheme");
    }
}
