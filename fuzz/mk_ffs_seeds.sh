#!/bin/sh
# mk_ffs_seeds.sh DIR: small FFS images for fuzz_ffs_image's seed
# corpus, made by makefs from a generated tree holding every kind of
# file (empty, fragment tail, indirect block, hole, short and long
# symlinks, hard link, fifo, nested and bigger directories).  UFS1 and
# UFS2, both byte orders, 4 KiB blocks so the images stay small.
set -e
out=${1:?usage: mk_ffs_seeds.sh DIR}
tmp=$(mktemp -d /tmp/ffs_seeds.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
t=$tmp/tree
mkdir -p "$t/sub/deeper" "$t/many" "$out"
: > "$t/empty"
printf 'hello\n' > "$t/small"
ln "$t/small" "$t/small.link"
head -c 5000 /dev/zero | tr '\0' 'a' > "$t/tail5000"
head -c 70000 /dev/zero | tr '\0' 'b' > "$t/ind70k"
dd if=/dev/zero of="$t/hole" bs=1 count=1 seek=200000 2>/dev/null
ln -s short "$t/fastlink"
ln -s "$(head -c 150 /dev/zero | tr '\0' 'L')" "$t/slowlink"
mkfifo "$t/fifo"
printf 'n\n' > "$t/sub/deeper/n.txt"
i=0
while [ $i -lt 60 ]; do : > "$t/many/name_$i"; i=$((i + 1)); done
for v in 1 2; do
	for bo in le be; do
		makefs -t ffs -B $bo -s 400k -o version=$v,bsize=4096,fsize=512 \
		    "$out/ufs$v$bo.img" "$t" >/dev/null
	done
done
makefs -t ffs -s 300k -o version=2,bsize=4096,fsize=512 \
    "$out/ufs2min.img" "$t/sub" >/dev/null
