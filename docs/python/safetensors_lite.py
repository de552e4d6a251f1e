"""Reads and writes the safetensors format with torch alone, for machines without the
`safetensors` package (Debian ships none).

Layout (https://github.com/huggingface/safetensors): an 8-byte little-endian header size N, then
N bytes of JSON mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}
(offsets into the byte buffer that follows), plus an optional "__metadata__" object of strings.
Files written here load with `safetensors.torch.load_file`, and streamsynth reads them.
"""
import json
import struct

import torch

_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
_TORCH = {name: dtype for dtype, name in _DTYPES.items()}


def save(tensors, path, metadata=None):
    """Writes a dict of name -> tensor, in the dict's order, with optional string metadata."""
    header = {}
    blobs = []
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in _DTYPES:
            raise ValueError(f"{name}: dtype {tensor.dtype} is not supported here")
        flat = tensor.detach().cpu().contiguous()
        # numpy has no bfloat16; its bits are carried as int16
        data = (flat.view(torch.int16) if flat.dtype == torch.bfloat16 else flat).numpy().tobytes()
        header[name] = {"dtype": _DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)  # the byte buffer starts 8-byte aligned, as the reference writer does
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load(path):
    """Returns (dict of name -> tensor in file order, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    metadata = header.pop("__metadata__", {})
    buffer = raw[8 + size:]
    tensors = {}
    for name, info in sorted(header.items(), key=lambda item: item[1]["data_offsets"][0]):
        begin, end = info["data_offsets"]
        dtype = _TORCH[info["dtype"]]
        chunk = bytearray(buffer[begin:end])
        flat = torch.frombuffer(chunk, dtype=dtype) if chunk else torch.empty(0, dtype=dtype)
        tensors[name] = flat.reshape(info["shape"])
    return tensors, metadata
