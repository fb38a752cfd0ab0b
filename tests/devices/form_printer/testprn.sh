#!/bin/sh
# A CUPS backend for tests: saves each job as job-N.pdf in the folder named by its
# device URI (testprn:/path), or plays a fault named in /path/mode:
# paper-out, jam, offline. Paper-out and jam exit 1 (CUPS_BACKEND_FAILED) so the
# queue's stop-printer policy stops the queue with the job still in it; offline keeps
# the job processing and retries until the mode file says otherwise, as network
# backends do while a printer does not answer.
if [ $# -eq 0 ]; then
  echo 'direct testprn "Unknown" "Hall kiosk test printer"'
  exit 0
fi
dir=${DEVICE_URI#testprn:}
mode=$(cat "$dir/mode" 2>/dev/null || echo ok)
case "$mode" in
  paper-out) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of paper" >&2; exit 1 ;;
  jam) echo "STATE: +media-jam-error" >&2; echo "ERROR: paper jam" >&2; exit 1 ;;
  offline)
    echo "STATE: +offline-report" >&2
    echo "INFO: printer not responding, retrying" >&2
    while [ "$(cat "$dir/mode" 2>/dev/null)" = offline ]; do sleep 0.1; done ;;
  slow) sleep 2 ;;
esac
echo "STATE: -media-empty-error,media-jam-error,offline-report" >&2
if [ -n "$6" ]; then cat "$6" > "$dir/job-$1.tmp"; else cat > "$dir/job-$1.tmp"; fi
mv "$dir/job-$1.tmp" "$dir/job-$1.pdf"
exit 0
