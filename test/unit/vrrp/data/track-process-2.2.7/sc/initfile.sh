# track_file init_file: value, overwrite, mode, reload
conf() {
  printf 'track_file TF1 {\n  file %s\n  init_file 5\n}\n' $D/tf1
  printf 'track_file TF2 {\n  file %s\n  init_file 3\n}\n' $D/tf2
  printf 'track_file TF3 {\n  file %s\n  init_file 3 overwrite\n}\n' $D/tf3
  printf 'track_file TF4 {\n  file %s\n  init_file\n}\n' $D/tf4
  printf 'track_file TF5 {\n  file %s\n  init_file\n}\n' /nonexistent-dir-tp/x
  printf 'track_file TF6 {\n  file %s\n  init_file 300 overwrite\n}\n' $D/tf6
  printf 'track_file TF7 {\n  file %s\n  init_file abc\n}\n' $D/tf7
  printf 'track_file TF8 {\n  file %s\n  init_file overwrite -2\n}\n' $D/tf8
  printf 'track_file TF9 {\n  file %s\n  init_file 4\n}\n' $D/tf9
  inst VI_1 va 100 "track_file {" "  TF1 weight 1" "  TF2 weight 1" "  TF3 weight 1" "  TF4 weight 1" "  TF5 weight 1" "  TF6 weight 1" "  TF7 weight 1" "  TF8 weight 1" "}"
}
pre() { echo 7 > $D/tf2; echo 7 > $D/tf3; echo 9 > $D/tf8; umask 027; $KA -t -f $D/a.conf; echo "-t exit $?"; ls $D; }
act() {
  sleep 1.5
  for f in $D/tf*; do echo "$f: $(stat -c '%a %s' $f) $(od -c $f | head -1)"; done
  mark "write 8 to tf3, SIGHUP"; echo 8 > $D/tf3; kill -HUP $KPID; sleep 1.5; echo "tf3: $(cat $D/tf3)"
}
