#!/bin/sh
# PID 1 of the scripts/lab VM (busybox ash, inside the initramfs). Turns the host's read-only root, shared over
# 9p, into a throwaway writable root, runs /run/lab/run.sh (written by scripts/lab) in it, and hands the exit
# status back through the per-run "labrun" share. Any output here reaches the caller, so it stays silent unless
# something breaks.
PATH=/bin
export PATH
R=/newroot
P9="trans=virtio,version=9p2000.L,msize=512000"

fail() {
    echo "lab-init: $*" >&2
    poweroff -f
}

# Hands the prepared root to systemd: the host's enabled services and timers (databases, apt timers...) are left
# out, units that cannot work here are masked, and lab-run.service runs /run/lab/run.sh once multi-user.target is
# reached, writes its status to the run share and powers off at once (nothing on the throwaway root needs a clean
# shutdown). Never returns.
boot_systemd() {
    [ "$overlay" = 1 ] || fail "--systemd needs an overlay root"
    units=$R/etc/systemd/system
    # This machine's root may come from a container image: its marker would make systemd think it runs in a
    # container (no udev, no kernel command line, a console getty), and its policy-rc.d keeps packages' maintainer
    # scripts from starting services.
    rm -f $R/.dockerenv $R/run/.containerenv $R/usr/sbin/policy-rc.d
    rm -f "$units"/*.wants/* "$units"/*.requires/*
    # A login prompt would write to the console that carries the command's output; the clock cannot be synced
    # without a network; nothing here is waited for by udev-settle.
    for unit in serial-getty@ttyS0.service getty@tty1.service console-getty.service systemd-timesyncd.service \
        systemd-udev-settle.service systemd-pstore.service e2scrub_reap.service systemd-binfmt.service \
        proc-sys-fs-binfmt_misc.automount; do
        ln -sf /dev/null "$units/$unit"
    done
    io=StandardInput=null
    [ "$LAB_INTERACTIVE" = 1 ] && io=StandardInput=tty-force
    printf '%s\n' "[Unit]" "Description=scripts/lab command" "After=multi-user.target" "" "[Service]" \
        "Type=oneshot" "$io" "StandardOutput=tty" "StandardError=tty" "TTYPath=/dev/ttyS0" \
        "ExecStart=/bin/sh /run/lab/systemd-run.sh" >"$units/lab-run.service"
    mkdir -p "$units/multi-user.target.wants"
    ln -sf ../lab-run.service "$units/multi-user.target.wants/lab-run.service"
    printf '%s\n' '[ -t 0 ] || stty -onlcr 2>/dev/null' '/bin/bash /run/lab/run.sh' 'echo "$?" >/run/lab/rc' \
        'systemctl poweroff --force --force >/dev/null 2>&1' >/lab/systemd-run.sh
    # switch_root empties the initramfs, and with it the module tree bound into the new root: copy it instead.
    umount "$R$kmods"
    cp -a "$kmods/." "$R$kmods/"
    umount /lab
    exec switch_root $R /lib/systemd/systemd
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Belt and braces with loglevel=0: module and overlay warnings must not land in the command's output.
# labdebug=1 on the kernel command line (LAB_DEBUG=1) shows them, and traces this script.
if [ "${labdebug:-0}" = 1 ]; then
    set -x
else
    echo 0 >/proc/sys/kernel/printk
fi
# shellcheck disable=SC2046 # one module name per word
modprobe -a $(cat /etc/lab-modules-root) || fail "modprobe failed"
# Loading these takes a second of emulated CPU: overlap it with the mounts below.
# shellcheck disable=SC2046
modprobe -a $(cat /etc/lab-modules-more) &
moremods=$!

mkdir -p /lab /lower /rw $R
mount -t 9p -o "$P9" labrun /lab || fail "cannot mount the run share"
# shellcheck disable=SC1091 # written per run by scripts/lab: LAB_REPO, LAB_INTERACTIVE
. /lab/conf
# The host root is only read here, so caching its pages and metadata is safe enough, and cuts JVM start-up
# (~1.5 s of a cold `java -version` measured) and class loading.
mount -t 9p -o "$P9,ro,cache=loose" hostroot /lower || fail "cannot mount the host root"
mount -t tmpfs -o mode=755 tmpfs /rw
mkdir /rw/upper /rw/work
if mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R 2>/dev/null; then
    overlay=1
else
    # No overlay: writes only work on the tmpfs mounted over the directories the tests are known to write to.
    overlay=0
    mount --bind /lower $R
    for d in /var/tmp /etc/vmnetd /var/lib/vmnetd; do
        [ -d "$R$d" ] && mount -t tmpfs tmpfs "$R$d"
    done
fi

mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t tmpfs -o mode=755 tmpfs $R/run    # /run/netns for `ip netns add`
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mkdir -p $R/run/lab
mount --bind /lab $R/run/lab
mkdir -p "$R$LAB_REPO" 2>/dev/null    # a repository under /tmp is hidden by the tmpfs above
mount -t 9p -o "$P9,cache=mmap" repo "$R$LAB_REPO" || fail "cannot mount the repository at $LAB_REPO"
if [ "$overlay" = 1 ]; then
    # Lets modprobe inside the chroot find this kernel's modules (the host has none for it).
    kmods=/lib/modules/$(uname -r)
    mkdir -p "$R$kmods" && mount --bind "$kmods" "$R$kmods"
fi
hostname lab
ip link set lo up
wait $moremods || fail "modprobe of the network modules failed"

# --systemd: systemd becomes PID 1 on the overlay root and runs the command from a unit (see boot_systemd).
if [ "${LAB_SYSTEMD:-0}" = 1 ]; then
    boot_systemd
fi

if [ "$LAB_INTERACTIVE" = 1 ]; then
    # A new session with the serial line as controlling terminal gives job control and working ^C.
    setsid -c chroot $R /bin/bash /run/lab/run.sh </dev/ttyS0 >/dev/ttyS0 2>&1
else
    # No \n -> \r\n translation: the caller wants the command's bytes as they are.
    stty -F /dev/ttyS0 -onlcr 2>/dev/null
    chroot $R /bin/bash /run/lab/run.sh </dev/null >/dev/ttyS0 2>&1
fi
echo "$?" >/lab/rc
poweroff -f
