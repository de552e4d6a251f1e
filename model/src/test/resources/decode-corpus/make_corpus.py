#!/usr/bin/python3
"""Makes the decoding corpus that ImageDecoderCorpusTest reads, and PIL's reading of it.

Run once with Debian's interpreter (python3-pil 9.4): /usr/bin/python3 make_corpus.py
It writes the image files next to itself and expected.json: per file, the size PIL shows it at
(EXIF orientation applied by ImageOps.exif_transpose) and the RGB values PIL gives at a few points
after compositing any alpha onto white, which is what the Java decoder must reproduce within the
file's tolerance (0-1 for lossless formats, a few levels for lossy ones, whose decoders differ in
their inverse DCT and chroma upsampling). Formats PIL cannot write (interlaced PNG, YCCK JPEG) and
the malformed cases are made by the Java test itself.
"""
import json
import os

from PIL import Image, ImageDraw, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 48, 32
QUADRANTS = [((220, 30, 30), (0, 0)), ((30, 200, 60), (W // 2, 0)),
             ((40, 60, 210), (0, H // 2)), ((240, 220, 40), (W // 2, H // 2))]


def quadrants(mode="RGB"):
    im = Image.new("RGB", (W, H))
    draw = ImageDraw.Draw(im)
    for colour, (x, y) in QUADRANTS:
        draw.rectangle([x, y, x + W // 2 - 1, y + H // 2 - 1], fill=colour)
    return im.convert(mode) if mode != "RGB" else im


def on_white(im):
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "P", "PA") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if im.mode == "I;16" or im.mode == "I":
        # 16-bit grey scaled to 8 bits by rounding v * 255 / 65535, as libpng's strip_16 would not
        px = [round(v * 255 / 65535) for v in im.getdata()]
        grey = Image.new("L", im.size)
        grey.putdata(px)
        return grey.convert("RGB")
    return im.convert("RGB")


def points(size):
    w, h = size
    return [(w // 4, h // 4), (3 * w // 4, h // 4), (w // 4, 3 * h // 4), (3 * w // 4, 3 * h // 4), (0, 0),
            (w - 1, h - 1)]


def main():
    made = {}

    def save(name, im, tolerance, **kwargs):
        path = os.path.join(HERE, name)
        im.save(path, **kwargs)
        reread = on_white(Image.open(path))
        made[name] = {"width": reread.size[0], "height": reread.size[1], "tolerance": tolerance,
                      "points": [[x, y, list(reread.getpixel((x, y)))] for x, y in points(reread.size)]}

    save("baseline.jpg", quadrants(), 6, quality=92)
    save("progressive.jpg", quadrants(), 6, quality=92, progressive=True)
    # PIL writes CMYK with an Adobe APP14 marker; its own CMYK to RGB is the naive 255 - C etc.,
    # while TwelveMonkeys uses a CMYK profile, so the test checks these colours coarsely itself
    save("cmyk.jpg", quadrants("CMYK"), 255, quality=95)
    for orientation in (6, 8):
        exif = Image.Exif()
        exif[0x0112] = orientation
        save(f"exif{orientation}.jpg", quadrants(), 6, quality=92, exif=exif.tobytes())
    grey16 = Image.new("I;16", (W, H))
    grey16.putdata([(x * 1365 + y * 97) % 65536 for y in range(H) for x in range(W)])
    save("grey16.png", grey16, 1)
    palette = quadrants().quantize(4)
    save("palette_trns.png", palette, 1, transparency=0)
    clear = Image.new("RGBA", (W, H))
    clear.putdata([(x * 5 % 256, y * 7 % 256, 90, 0) for y in range(H) for x in range(W)])
    save("transparent_rgba.png", clear, 0)
    half = quadrants("RGBA")
    half.putalpha(Image.linear_gradient("L").resize((W, H)))
    save("rgba.png", half, 1)
    grey_alpha = Image.merge("LA", (quadrants("L"), Image.linear_gradient("L").rotate(90).resize((W, H))))
    save("grey_alpha.png", grey_alpha, 1)
    save("lossy.webp", quadrants(), 8, quality=90)
    save("lossless.webp", quadrants(), 0, lossless=True)
    frames = [quadrants(), Image.new("RGB", (W, H), (0, 0, 0))]
    path = os.path.join(HERE, "animated.gif")
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    reread = on_white(Image.open(path))  # the first frame
    made["animated.gif"] = {"width": W, "height": H, "tolerance": 0,
                            "points": [[x, y, list(reread.getpixel((x, y)))] for x, y in points((W, H))]}
    save("image.bmp", quadrants(), 0)
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(made, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
