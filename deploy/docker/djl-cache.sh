#!/bin/sh
# Lays out libtorch and DJL's JNI library as DJL's cache holds them after a first run
# (<cache>/pytorch/<version>-<flavor>-<classifier>/), so that DJL loads them without extracting
# or downloading anything. Usage: djl-cache.sh pytorch-native-cpu.jar pytorch-jni.jar CACHE_DIR
set -eu
native_jar=$1 jni_jar=$2 cache=$3
work=$(mktemp -d)
cd "$work"
unzip -q "$native_jar" 'native/lib/pytorch.properties' 'pytorch/*'
prop() { sed -n "s/^$1=//p" native/lib/pytorch.properties | tr -d '\r'; }
version=$(prop version) flavor=$(prop flavor) classifier=$(prop classifier)
dir="$cache/pytorch/$version-$flavor-$classifier"
mkdir -p "$dir"
cp "pytorch/$flavor/$classifier/"* "$dir/"
# DJL names the JNI library <djl version>-libdjl_torch.so; the jni jar is <pytorch>-<djl version>.
djl_version=$(basename "$jni_jar" .jar | sed 's/.*-//')
unzip -q -o "$jni_jar" "jnilib/$classifier/$flavor/libdjl_torch.so"
cp "jnilib/$classifier/$flavor/libdjl_torch.so" "$dir/$djl_version-libdjl_torch.so"
rm -rf "$work"
ls -l "$dir"
