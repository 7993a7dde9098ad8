// The "preparing your pack" page: ask every 1.5 s whether the pack is ready, then download it and say so.
(function () {
  const box = document.querySelector(".preparing[data-status-url]");
  if (!box) return;
  const status = box.querySelector("[role=status]");
  async function check() {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok && (await response.json()).ready) {
        status.textContent = "Your pack is ready: the download is starting.";
        window.location.href = box.dataset.downloadUrl;
        return;
      }
    } catch (error) { /* a dropped connection: try again */ }
    setTimeout(check, 1500);
  }
  setTimeout(check, 1500);
})();
