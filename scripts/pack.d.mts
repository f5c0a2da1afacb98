/** Where `npm run pack` writes the tarballs and packs.json. */
export declare const PACKS_DIR: string;

export interface PackedPackage {
  version: string;
  /** The tarball's file name in {@link PACKS_DIR}. */
  file: string;
}

/** The publishable packages of packages/. */
export declare function listPackages(): { dir: string; name: string; version: string }[];

/** Builds the packages that are stale and packs every package; returns packs.json's content. */
export declare function packAll(options?: {
  log?: (line: string) => void;
}): Record<string, PackedPackage>;
