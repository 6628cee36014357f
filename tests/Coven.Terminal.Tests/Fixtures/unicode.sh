printf 'tabs:\tone\ttwo\tthree\n'
printf 'cjk: 日本語のテキスト 中文 한국어\n'
printf 'emoji: 😀 🎉 ✅ ❌ ⚡ 🚀 done\n'
printf 'combining: e\314\201 a\314\210 n\314\203 done\n'
printf '%099d中after-wrap\n' 0
printf '%098d中fits\n' 0
printf '\033[1mbold\033[0m \033[7minverse\033[0m \033[38;5;208morange\033[0m \033[38;2;10;200;30mtrue\033[0m\n'
printf 'box: \033(0lqqqk\033(B\n'
printf 'progress 10%%\rprogress 50%%\rprogress done\033[K\n'
printf 'cha:\033[20Gat20\033[40Gat40\n'
printf 'erase-me-please\033[6D\033[1K|\n'
printf 'insert\033[3D\033[2@XX\n'
printf 'long line: %0150d\n' 7
