package dev.portico.http.tls;

import dev.portico.domain.model.CertificateOrigin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a certificate's two files were on disk, compared to notice a renewal: the real file each path resolves to
 * (certbot renews by pointing the live/ links at new archive/ files) and that file's identity, size and
 * modification time (an in-place rewrite).
 */
record FileStamps(FileStamp certFile, FileStamp keyFile) {

    static FileStamps of(CertificateOrigin.Files files) {
        return new FileStamps(FileStamp.of(Path.of(files.certFile())), FileStamp.of(Path.of(files.keyFile())));
    }

    /** The directories whose events can signal a change: where the paths are, and where their links lead. */
    static Set<Path> directoriesOf(CertificateOrigin.Files files) {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path path : new Path[] {Path.of(files.certFile()), Path.of(files.keyFile())}) {
            Path absolute = path.toAbsolutePath();
            if (absolute.getParent() != null) {
                directories.add(absolute.getParent());
            }
            try {
                Path real = absolute.toRealPath();
                if (real.getParent() != null) {
                    directories.add(real.getParent());
                }
            } catch (IOException unresolvable) {
                // A dangling link: its own directory is watched, which is where the fix will appear.
            }
        }
        return directories;
    }

    sealed interface FileStamp {
        static FileStamp of(Path path) {
            try {
                Path real = path.toRealPath();
                BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                return new Present(real, attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
            } catch (IOException e) {
                return new Absent(e.getClass().getSimpleName());
            }
        }
    }

    /** {@code fileKey} is the device and inode on Linux: a replaced file differs even with equal size and time. */
    record Present(Path realPath, Object fileKey, long size, FileTime modified) implements FileStamp {
    }

    record Absent(String reason) implements FileStamp {
    }
}
