"""CRC32C (Castagnoli), the checksum Secret Manager keeps for every payload (dataCrc32c).

Table-driven, reflected polynomial 0x82F63B78; stdlib only, so the fake needs no C extension.
"""

_POLY = 0x82F63B78


def _table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


if __name__ == "__main__":
    # The check value every CRC catalogue gives for CRC-32C.
    assert crc32c(b"123456789") == 0xE3069283
    print("ok")
