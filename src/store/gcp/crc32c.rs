//! CRC-32C (Castagnoli), the checksum Secret Manager verifies a payload against.

/// The checksum of `data`, as Secret Manager's `dataCrc32c` takes it (a decimal number).
pub fn checksum(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            // 0x82F63B78: the Castagnoli polynomial, bit-reflected.
            crc = (crc >> 1) ^ (0x82F6_3B78 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_standard_check_value() {
        // RFC 3720, B.4, and every CRC catalogue: CRC-32C of "123456789".
        assert_eq!(super::checksum(b"123456789"), 0xE306_9283);
        assert_eq!(super::checksum(b""), 0);
    }
}
