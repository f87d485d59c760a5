#!/bin/sh
# Install SDM Desktop for the current user, under ~/.local; run it again to update.
#
#   ./install.sh              install (or replace) this version
#   ./install.sh --uninstall  remove what install.sh installed
#
# Installs the app folder to ~/.local/lib/sdm-desktop, a link to it as
# ~/.local/bin/sdm-desktop, the launcher to ~/.local/share/applications and the
# icon to ~/.local/share/icons/hicolor/256x256/apps ($XDG_DATA_HOME, if set,
# replaces ~/.local/share). Needs no root and writes nowhere else; menus and
# icon themes notice the new files by themselves.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
app_dir="$HOME/.local/lib/sdm-desktop"
bin_link="$HOME/.local/bin/sdm-desktop"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
launcher="$data_home/applications/sdm-desktop.desktop"
icon="$data_home/icons/hicolor/256x256/apps/sdm-desktop.png"

# Exec's value as the Desktop Entry spec wants it: in double quotes, with " ` $ \
# escaped by a backslash; then every backslash doubled, as the value is a string.
desktop_exec_quote() {
    printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')"
}

uninstall() {
    rm -rf "$app_dir"
    rm -f "$launcher" "$icon"
    # Only our own link: a sdm-desktop installed some other way stays.
    if [ -L "$bin_link" ] && [ "$(readlink "$bin_link")" = "$app_dir/sdm-desktop" ]; then
        rm -f "$bin_link"
    fi
    echo "SDM Desktop removed."
}

install_app() {
    # Replace the whole folder: files of an older version must not linger.
    rm -rf "$app_dir"
    mkdir -p "$(dirname "$app_dir")" "$(dirname "$bin_link")" \
        "$(dirname "$launcher")" "$(dirname "$icon")"
    cp -R "$here/sdm-desktop" "$app_dir"
    ln -sfn "$app_dir/sdm-desktop" "$bin_link"
    cp "$here/sdm-desktop.png" "$icon"
    exec_value=$(desktop_exec_quote "$app_dir/sdm-desktop")
    while IFS= read -r line; do
        case $line in
            Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done <"$here/sdm-desktop.desktop" >"$launcher"
    echo "SDM Desktop installed: $app_dir"
    echo "Start it from the applications menu, or run: $bin_link"
}

case "${1:-}" in
    "") install_app ;;
    --uninstall) uninstall ;;
    *)
        echo "usage: $0 [--uninstall]" >&2
        exit 2
        ;;
esac
