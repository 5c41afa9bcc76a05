/**
 * Golden vector of a release signature [RELEASE SPEC §5]: the test key (seed 0x11 × 32), the
 * package bytes, and the signature document `signRelease` must produce (Ed25519 is deterministic).
 */
export const GOLDEN_RELEASE = {
  publicKeyHex: 'd04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737',
  keyId: '10ba682c8ad13513',
  packageText: 'baken-gateway 1.2.3 test package\n',
  manifest: {
    format: 'baken-release/1',
    package: 'baken-gateway',
    version: '1.2.3',
    arch: 'arm64',
    sha256: '5d707663f56126f9c27e6b203be74e5cf5c731576b50ae8df23a6956aa0a4c21',
    size: 33,
    signedAt: 1767225600000,
  },
  signature: {
    manifest:
      'eyJmb3JtYXQiOiJiYWtlbi1yZWxlYXNlLzEiLCJwYWNrYWdlIjoiYmFrZW4tZ2F0ZXdheSIsInZlcnNpb24iOiIxLjIuMyIsImFyY2giOiJhcm02NCIsInNoYTI1NiI6IjVkNzA3NjYzZjU2MTI2ZjljMjdlNmIyMDNiZTc0ZTVjZjVjNzMxNTc2YjUwYWU4ZGYyM2E2OTU2YWEwYTRjMjEiLCJzaXplIjozMywic2lnbmVkQXQiOjE3NjcyMjU2MDAwMDB9',
    keyId: '10ba682c8ad13513',
    signature: 'bHz9I89xuQsNHlmiOP2m3egdXuBE009DJuGz9Pb0K4M+rxtgsvii4wB8Zv1JYDz3ARG5XWVe741uZT8us4KECA==',
  },
} as const;
