"""Video: 2-D pose keypoints from a phone video or a pose model's files, cleaned up for running.

Modules: :mod:`~stridelab.video.names` (canonical keypoint names and each pose model's layout),
:mod:`~stridelab.video.pose` (the bundled MediaPipe pose model, offline), :mod:`~stridelab.video.decode`
(decoding in a thread beside the model), :mod:`~stridelab.video.track`
(one runner among several people), :mod:`~stridelab.video.cleanup` (left/right swaps, gaps, jitter,
facing, scale, frame rate), :mod:`~stridelab.video.stage` (the analysis stage: angles, foot strike,
overstriding), :mod:`~stridelab.video.draw` / :mod:`~stridelab.video.annotate` (pictures and the
annotated video). Readers of keypoint files live in :mod:`stridelab.video.read_keypoints`.
"""
