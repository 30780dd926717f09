"""A small reader of Mapbox vector tiles (the protobuf of vector-tile-spec 2.1) for the tests: layers, point
features and their properties. It refuses what is not a well-formed tile (a truncated field, an unknown wire type,
a tag or a geometry command out of place), so a test that reads a tile also checks that it is one."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from typing import Any


class NotATile(ValueError):
    pass


@dataclass
class Feature:
    #: the points of the feature, in tile coordinates (0..extent, y from the top)
    points: list[tuple[int, int]]
    properties: dict[str, Any]
    geometry_type: int


@dataclass
class Layer:
    name: str
    extent: int
    version: int
    features: list[Feature] = field(default_factory=list)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise NotATile("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise NotATile("varint longer than 10 bytes")


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value) of a message: an int for varints, bytes for length-delimited fields."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise NotATile("truncated field")
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise NotATile(f"wire type {wire}")
        if pos > len(data):
            raise NotATile("truncated fixed field")
        out.append((number, wire, value))
    return out


def _packed(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        values.append(value)
    return values


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(data: bytes) -> Any:
    ((number, _wire, raw),) = _fields(data)
    if number == 1:
        return raw.decode("utf-8")
    if number == 2:
        return struct.unpack("<f", raw)[0]
    if number == 3:
        return struct.unpack("<d", raw)[0]
    if number in (4, 5):
        return raw if number == 5 or raw < 1 << 63 else raw - (1 << 64)
    if number == 6:
        return _zigzag(raw)
    if number == 7:
        return bool(raw)
    raise NotATile(f"value field {number}")


def _points(commands: list[int]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    x = y = pos = 0
    while pos < len(commands):
        command, count = commands[pos] & 7, commands[pos] >> 3
        pos += 1
        if command != 1:  # MoveTo only: the tiles of the map hold points
            raise NotATile(f"geometry command {command} in a point")
        for _ in range(count):
            x += _zigzag(commands[pos])
            y += _zigzag(commands[pos + 1])
            pos += 2
            points.append((x, y))
    return points


def decode(tile: bytes) -> dict[str, Layer]:
    layers: dict[str, Layer] = {}
    for number, wire, raw in _fields(tile):
        if number != 3 or wire != 2:
            raise NotATile(f"tile field {number}")
        parts = _fields(raw)
        name = next(v for n, _, v in parts if n == 1).decode("utf-8")
        keys = [v.decode("utf-8") for n, _, v in parts if n == 3]
        values = [_value(v) for n, _, v in parts if n == 4]
        layer = Layer(
            name,
            extent=next((v for n, _, v in parts if n == 5), 4096),
            version=next(v for n, _, v in parts if n == 15),
        )
        for n, _, raw_feature in parts:
            if n != 2:
                continue
            f = _fields(raw_feature)
            tags = next((_packed(v) for k, _, v in f if k == 2), [])
            if len(tags) % 2:
                raise NotATile("odd number of tags")
            properties = {keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags), 2)}
            geometry = next(_packed(v) for k, _, v in f if k == 4)
            kind = next((v for k, _, v in f if k == 3), 0)
            layer.features.append(Feature(_points(geometry), properties, kind))
        layers[name] = layer
    return layers


def to_lon_lat(z: int, x: int, y: int, point: tuple[int, int], extent: int = 4096) -> tuple[float, float]:
    """WGS-84 (lon, lat) of a point in tile coordinates of tile z/x/y."""
    n = 1 << z
    fx = (x + point[0] / extent) / n
    fy = (y + point[1] / extent) / n
    return fx * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * fy))))


def tile_of(z: int, lon: float, lat: float) -> tuple[int, int]:
    """(x, y) of the tile at zoom z holding a WGS-84 point."""
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y
